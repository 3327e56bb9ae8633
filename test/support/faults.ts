/**
 * Shared parts of the fault-injection suite (test/faults): the profile (short for `npm test`, full for
 * `npm run test:faults`), isolated topics per scenario, restartable services, reading topics and consumer
 * lag from outside, the delivery check every scenario ends with, and the result row it prints.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Admin, Consumer, type Message, MessagesStreamModes, stringDeserializer } from '@platformatic/kafka';
import { infra } from './infra.ts';
import type { OrderLoad } from './load.ts';
import { type RunningService, type ServiceName, startService } from './services.ts';
import type { WebhookSink } from './webhook-sink.ts';

export type FaultsProfile = 'short' | 'full';

/** FAULTS_PROFILE: `short` (default, what `npm test` runs) or `full` (`npm run test:faults`). */
export function faultsProfile(): FaultsProfile {
  const value = process.env.FAULTS_PROFILE ?? 'short';
  if (value !== 'short' && value !== 'full')
    throw new Error(`FAULTS_PROFILE must be short or full, got ${value}`);
  return value;
}

/** The value for the current profile. */
export function byProfile<T>(values: { short: T; full: T }): T {
  return values[faultsProfile()];
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A random whole number in [min, max]. */
export function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** Topic names and consumer groups of one scenario, so that it shares no state with any other test. */
export interface ScenarioTopics {
  orderCreated: string;
  orderShipped: string;
  productCreated: string;
  dlqOf(topic: string): string;
  group: string;
  dlqGroup: string;
  /** The variables that point a service at these topics and groups. */
  env: Record<string, string>;
}

export function scenarioTopics(tag: string): ScenarioTopics {
  const prefix = `faults-${tag}-${randomUUID().slice(0, 8)}`;
  const topics = {
    orderCreated: `${prefix}.order.created.v1`,
    orderShipped: `${prefix}.order.shipped.v1`,
    productCreated: `${prefix}.product.created.v1`,
    group: `${prefix}-notification`,
    dlqGroup: `${prefix}-notification-dlq`,
  };
  return {
    ...topics,
    dlqOf: (topic: string) => `${topic}.dlq`,
    env: {
      KAFKA_TOPIC_ORDER_CREATED: topics.orderCreated,
      KAFKA_TOPIC_ORDER_SHIPPED: topics.orderShipped,
      KAFKA_TOPIC_PRODUCT_CREATED: topics.productCreated,
      NOTIFICATION_CONSUMER_GROUP: topics.group,
      NOTIFICATION_DLQ_CONSUMER_GROUP: topics.dlqGroup,
    },
  };
}

/** What every service of a scenario is started with: the Kafka and Redis of the suite (or `kafkaBootstrap`), the scenario's topics. */
export function scenarioEnv(
  topics: ScenarioTopics,
  kafkaBootstrap = infra().kafkaBootstrap,
): Record<string, string> {
  const { redisHost, redisPort } = infra();
  return {
    KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap,
    REDIS_HOST: redisHost,
    REDIS_PORT: String(redisPort),
    ...topics.env,
  };
}

/**
 * notification-service settings of the suite: the webhook notifier, and timings shortened in proportion
 * to the defaults (lease 15 s > the consumer session timeout of 10 s, so a crash leaves a live lease the
 * next owner has to wait out; attempt timeout well below the lease).
 */
export function notificationEnv(
  sink: WebhookSink,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    NOTIFICATION_WEBHOOK_URL: sink.url,
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: '2000',
    NOTIFICATION_ATTEMPT_TIMEOUT_MS: '3000',
    NOTIFICATION_LEASE_MS: '15000',
    NOTIFICATION_RETRY_BACKOFF_MS: '250',
    NOTIFICATION_RETRY_MAX_RETRIES: '3',
    NOTIFICATION_STALL_TIMEOUT_MS: '60000',
    ...extra,
  };
}

/**
 * A service that can be SIGKILLed and started again on the same port and log folder (its log lines
 * accumulate across restarts).
 */
export class RestartableService {
  readonly name: ServiceName;
  readonly env: Record<string, string>;
  #current: RunningService;
  #starts = 1;

  private constructor(name: ServiceName, env: Record<string, string>, current: RunningService) {
    this.name = name;
    this.env = env;
    this.#current = current;
  }

  static async start(name: ServiceName, env: Record<string, string>): Promise<RestartableService> {
    return new RestartableService(name, env, await startService(name, env));
  }

  get url(): string {
    return this.#current.url;
  }

  get port(): number {
    return this.#current.port;
  }

  get running(): boolean {
    return this.#current.process.running;
  }

  /** How many times the process was started. */
  get starts(): number {
    return this.#starts;
  }

  get current(): RunningService {
    return this.#current;
  }

  /** SIGKILL (no shutdown hook runs) and wait for the exit. */
  async kill(): Promise<void> {
    await this.#current.process.kill();
  }

  /** Starts the process again (same port, same log folder); resolves when its health is UP. */
  async restart(): Promise<void> {
    if (this.#current.process.running) throw new Error(`${this.name} is still running`);
    this.#current = await startService(this.name, this.env, {
      port: this.#current.port,
      logDir: this.#current.logDir,
    });
    this.#starts++;
  }

  /** SIGTERM and wait (graceful shutdown). */
  async stop(): Promise<void> {
    if (this.#current.process.running) await this.#current.stop();
  }

  logLines(): Array<Record<string, unknown>> {
    return this.#current.logLines();
  }

  /** How many log lines say `msg` (for the given consumer group, when given). */
  countLog(msg: string, group?: string): number {
    return this.logLines().filter((l) => l.msg === msg && (group === undefined || l.group === group)).length;
  }
}

/** An OrderCreated record read back from the topic, with the fields the checks use. */
export interface TopicEvent {
  eventId: string;
  orderId: string;
  customerId: string;
  partition: number;
  offset: bigint;
  timestamp: number;
}

/** End offsets (high watermarks) per partition of `topic`. */
export async function endOffsets(bootstrap: string[], topic: string): Promise<bigint[]> {
  const consumer = new Consumer({
    clientId: 'faults-offsets',
    groupId: `faults-offsets-${randomUUID()}`,
    bootstrapBrokers: bootstrap,
  });
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] });
    return offsets.get(topic) ?? [];
  } finally {
    await consumer.close(true);
  }
}

/**
 * Every record of `topics` from the beginning up to the end offsets read when the call starts (a plain
 * consumer in a throwaway group), so the result is complete, not just "what arrived within a time".
 */
export async function readTopicsToEnd(
  bootstrap: string[],
  topics: string[],
  timeoutMs = 60_000,
): Promise<Message<Buffer, Buffer, string, Buffer>[]> {
  const ends = new Map<string, bigint>();
  let expected = 0n;
  for (const topic of topics) {
    const offsets = await endOffsets(bootstrap, topic);
    offsets.forEach((end, partition) => {
      ends.set(`${topic}:${partition}`, end);
      expected += end;
    });
  }
  if (expected === 0n) return [];
  const consumer = new Consumer<Buffer, Buffer, string, Buffer>({
    clientId: 'faults-reader',
    groupId: `faults-reader-${randomUUID()}`,
    bootstrapBrokers: bootstrap,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  const records: Message<Buffer, Buffer, string, Buffer>[] = [];
  const seen = new Set<string>();
  try {
    const stream = await consumer.consume({
      topics,
      autocommit: false,
      mode: MessagesStreamModes.EARLIEST,
      maxWaitTime: 200,
      deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `read ${records.length} of ${expected} records of ${topics.join(', ')} in ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      stream.on('data', (message: Message<Buffer, Buffer, string, Buffer>) => {
        const id = `${message.topic}:${message.partition}:${message.offset}`;
        const end = ends.get(`${message.topic}:${message.partition}`) ?? 0n;
        if (message.offset >= end || seen.has(id)) return;
        seen.add(id);
        records.push(message);
        if (BigInt(records.length) >= expected) {
          clearTimeout(timer);
          resolve();
        }
      });
      stream.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return records;
}

/** The OrderCreated events of `topic`, by eventId. */
export async function readOrderEvents(
  bootstrap: string[],
  topic: string,
  timeoutMs = 60_000,
): Promise<Map<string, TopicEvent>> {
  const events = new Map<string, TopicEvent>();
  for (const record of await readTopicsToEnd(bootstrap, [topic], timeoutMs)) {
    const value = JSON.parse(record.value.toString('utf8')) as Record<string, unknown>;
    const eventId = String(value.eventId);
    if (events.has(eventId)) throw new Error(`event ${eventId} is on ${topic} twice`);
    events.set(eventId, {
      eventId,
      orderId: String(value.orderId),
      customerId: String(value.customerId),
      partition: record.partition,
      offset: record.offset,
      timestamp: Number(record.timestamp),
    });
  }
  return events;
}

export interface DeadLetter {
  eventId: string | undefined;
  partition: number;
  reason: string | undefined;
  originalOffset: bigint | undefined;
  timestamp: number;
}

/** Every dead letter of `dlqTopic`. */
export async function readDeadLetters(bootstrap: string[], dlqTopic: string): Promise<DeadLetter[]> {
  return (await readTopicsToEnd(bootstrap, [dlqTopic])).map((record) => {
    let eventId: string | undefined;
    try {
      eventId = String((JSON.parse(record.value.toString('utf8')) as { eventId?: unknown }).eventId);
    } catch {
      eventId = undefined;
    }
    const offset = record.headers.get('kafka_dlt-original-offset');
    return {
      eventId,
      partition: record.partition,
      reason: record.headers.get('x-dlt-reason')?.toString('utf8'),
      originalOffset: offset?.length === 8 ? offset.readBigInt64BE(0) : undefined,
      timestamp: Number(record.timestamp),
    };
  });
}

/** Sum over the partitions of `topics` of (end offset - the group's committed offset). */
export async function groupLag(bootstrap: string[], group: string, topics: string[]): Promise<bigint> {
  const admin = new Admin({ clientId: 'faults-lag', bootstrapBrokers: bootstrap });
  try {
    const [committed] = await admin.listConsumerGroupOffsets({ groups: [group] });
    let lag = 0n;
    for (const topic of topics) {
      const ends = await endOffsets(bootstrap, topic);
      const partitions = committed?.topics.find((t) => t.name === topic)?.partitions ?? [];
      ends.forEach((end, partition) => {
        const offset = partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n;
        lag += offset < 0n ? end : end - offset;
      });
    }
    return lag;
  } finally {
    await admin.close();
  }
}

/** The broker id leading each partition of `topic`. */
export async function partitionLeaders(bootstrap: string[], topic: string): Promise<number[]> {
  const admin = new Admin({ clientId: 'faults-metadata', bootstrapBrokers: bootstrap });
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    return (metadata.topics.get(topic)?.partitions ?? []).map((p) => p.leader);
  } finally {
    await admin.close();
  }
}

/** GET /actuator/health: HTTP status and the components' statuses (never throws). */
export async function health(
  url: string,
): Promise<{ status: number; components: Record<string, string>; reachable: boolean }> {
  try {
    const response = await fetch(`${url}/actuator/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { components?: Record<string, { status?: string }> };
    const components: Record<string, string> = {};
    for (const [name, value] of Object.entries(body.components ?? {})) components[name] = value.status ?? '?';
    return { status: response.status, components, reachable: true };
  } catch {
    return { status: 0, components: {}, reachable: false };
  }
}

/** Selected series of /actuator/prometheus (first sample of each metric name), or undefined when unreachable. */
export async function prometheusValues(
  url: string,
  names: string[],
): Promise<Map<string, number> | undefined> {
  try {
    const text = await (
      await fetch(`${url}/actuator/prometheus`, { signal: AbortSignal.timeout(5000) })
    ).text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)/.exec(line);
      if (match && names.includes(match[1]!) && !values.has(match[1]!))
        values.set(match[1]!, Number(match[3]));
    }
    return values;
  } catch {
    return undefined;
  }
}

export interface DeliveryCheck {
  load: OrderLoad;
  sink: WebhookSink;
  /** The OrderCreated events on the topic (readOrderEvents). */
  onTopic: ReadonlyMap<string, TopicEvent>;
  /** The dead letters of the topic's DLQ (readDeadLetters). */
  deadLetters: readonly DeadLetter[];
  /** Events the scenario makes fail on purpose: dead-lettered instead of notified. */
  expectedDeadLetters?: ReadonlySet<string>;
}

export interface DeliveryResult {
  sent: number;
  acknowledged: number;
  onTopic: number;
  /** Events on the topic whose request did not get a 201 (in flight at a crash, 503, transport error). */
  onTopicWithout201: number;
  /** Events on the topic whose request got a 503 saying it was not published (a broken promise). */
  publishedAfterSaidNot: string[];
  notified: number;
  /** Acknowledged events missing from the topic, plus events of the topic neither notified nor dead-lettered. */
  lost: string[];
  /** Acknowledged events that are not on the topic. */
  ackedNotOnTopic: string[];
  /** Keys the sink answered 200 more than once, with the times of each delivery. */
  deliveredTwice: Map<string, readonly number[]>;
  /** Keys delivered that are not on the topic. */
  phantom: string[];
  deadLettered: number;
  /** Dead letters of events that were not meant to fail. */
  unexpectedDeadLetters: DeadLetter[];
  /** Expected dead letters that are missing (or there twice). */
  missingDeadLetters: string[];
}

/** Compares what the client was told, what is on the topic, what the sink received and what was dead-lettered. */
export function checkDeliveries(check: DeliveryCheck): DeliveryResult {
  const expectedDead = check.expectedDeadLetters ?? new Set<string>();
  const ackedNotOnTopic = [...check.load.acknowledged.keys()].filter((id) => !check.onTopic.has(id));
  const byCustomer = check.load.byCustomerId();
  let onTopicWithout201 = 0;
  const publishedAfterSaidNot: string[] = [];
  for (const [eventId, event] of check.onTopic) {
    const result = byCustomer.get(event.customerId)?.result;
    if (result?.kind !== 'acknowledged') onTopicWithout201++;
    if (result?.kind === 'unavailable' && !result.inDoubt) publishedAfterSaidNot.push(eventId);
  }
  const deadIds = new Map<string, number>();
  for (const dead of check.deadLetters) {
    if (dead.eventId) deadIds.set(dead.eventId, (deadIds.get(dead.eventId) ?? 0) + 1);
  }
  let notified = 0;
  const lost = [...ackedNotOnTopic];
  for (const eventId of check.onTopic.keys()) {
    if (check.sink.deliveriesOf(eventId).length > 0) notified++;
    else if (!expectedDead.has(eventId)) lost.push(eventId);
  }
  const deliveredTwice = new Map<string, readonly number[]>();
  const phantom: string[] = [];
  for (const key of check.sink.deliveredKeys()) {
    const times = check.sink.deliveriesOf(key);
    if (times.length > 1) deliveredTwice.set(key, times);
    if (!check.onTopic.has(key)) phantom.push(key);
  }
  return {
    sent: check.load.requests.length,
    acknowledged: check.load.acknowledged.size,
    onTopic: check.onTopic.size,
    onTopicWithout201,
    publishedAfterSaidNot,
    notified,
    lost,
    ackedNotOnTopic,
    deliveredTwice,
    phantom,
    deadLettered: check.deadLetters.length,
    unexpectedDeadLetters: check.deadLetters.filter((d) => !d.eventId || !expectedDead.has(d.eventId)),
    missingDeadLetters: [...expectedDead].filter((id) => deadIds.get(id) !== 1),
  };
}

/**
 * The events of the topic that the sink has not received yet (minus `except`), waiting up to `timeoutMs`
 * for them; the empty set when everything arrived.
 */
export function waitForNotifications(
  sink: WebhookSink,
  onTopic: ReadonlyMap<string, TopicEvent>,
  timeoutMs: number,
  except: ReadonlySet<string> = new Set(),
): Promise<Set<string>> {
  return sink.waitForDeliveries(
    [...onTopic.keys()].filter((id) => !except.has(id)),
    timeoutMs,
  );
}

/**
 * The end of every scenario: reads the topic back, waits until each of its events reached the sink (or
 * was expected to be dead-lettered), until the group committed everything (so no late redelivery can
 * follow), reads the dead letters and compares it all (`checkDeliveries`). Fails the test when an event
 * was never notified or the group does not catch up.
 */
export async function drainedDeliveries(options: {
  bootstrap: string[];
  topics: ScenarioTopics;
  sink: WebhookSink;
  load: OrderLoad;
  notifyTimeoutMs?: number;
  lagTimeoutMs?: number;
  expectedDeadLetters?: ReadonlySet<string>;
  readTimeoutMs?: number;
}): Promise<{ onTopic: Map<string, TopicEvent>; deadLetters: DeadLetter[]; result: DeliveryResult }> {
  const { bootstrap, topics, sink, load } = options;
  const onTopic = await readOrderEvents(bootstrap, topics.orderCreated, options.readTimeoutMs);
  const missing = await waitForNotifications(
    sink,
    onTopic,
    options.notifyTimeoutMs ?? 60_000,
    options.expectedDeadLetters,
  );
  assert.equal(missing.size, 0, `notified: ${sample(missing)} missing`);
  assert.ok(
    await eventually(
      async () => (await groupLag(bootstrap, topics.group, [topics.orderCreated])) === 0n,
      options.lagTimeoutMs ?? 30_000,
      500,
    ),
    'the group committed everything',
  );
  const deadLetters = await readDeadLetters(bootstrap, topics.dlqOf(topics.orderCreated));
  const result = checkDeliveries({
    load,
    sink,
    onTopic,
    deadLetters,
    ...(options.expectedDeadLetters ? { expectedDeadLetters: options.expectedDeadLetters } : {}),
  });
  return { onTopic, deadLetters, result };
}

/** Polls `probe` until it resolves true; false when `timeoutMs` passes first. */
export async function eventually(probe: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await delay(everyMs);
  }
}

export interface ResultRow {
  scenario: string;
  profile: FaultsProfile;
  sent: number;
  acknowledged: number;
  notified: number;
  lost: number;
  deliveredTwice: number;
  deadLettered: number;
  /** Time to recover, in milliseconds (what "recover" means is in `notes`). */
  recoverMs: number | null;
  durationMs: number;
  notes: string;
}

export function rowFrom(
  scenario: string,
  result: DeliveryResult,
  extra: { recoverMs: number | null; durationMs: number; notes: string },
): ResultRow {
  return {
    scenario,
    profile: faultsProfile(),
    sent: result.sent,
    acknowledged: result.acknowledged,
    notified: result.notified,
    lost: result.lost.length,
    deliveredTwice: result.deliveredTwice.size,
    deadLettered: result.deadLettered,
    ...extra,
  };
}

/** Prints the scenario's result row (`FAULTS|<json>`), and appends it to FAULTS_REPORT_FILE when set. */
export function reportRow(row: ResultRow): void {
  const line = `FAULTS|${JSON.stringify(row)}`;
  console.log(line);
  const file = process.env.FAULTS_REPORT_FILE;
  if (file) appendFileSync(file, `${line}\n`);
}

/** A short, readable sample of ids for assertion messages. */
export function sample(ids: Iterable<string>, count = 5): string {
  const all = [...ids];
  return `${all.length} [${all.slice(0, count).join(', ')}${all.length > count ? ', …' : ''}]`;
}
