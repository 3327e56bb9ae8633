/**
 * Creates the topics a service uses at start-up, idempotently: topics that exist are left as they are,
 * a creation race with another service is not an error.
 */
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { baseClientOptions, type KafkaConnection } from './kafka-client-options.ts';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  /** Broker-side topic configs, e.g. `{ 'min.insync.replicas': '2' }`. */
  configs?: Record<string, string>;
}

export async function ensureTopics(
  connection: KafkaConnection,
  topics: readonly string[],
  settings: TopicSettings,
): Promise<{ created: string[]; existing: string[] }> {
  const admin = new Admin({ ...baseClientOptions(connection, 'admin'), retries: 5, retryDelay: 500 });
  try {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topic));
    const created: string[] = [];
    for (const topic of missing) {
      try {
        await admin.createTopics({
          topics: [topic],
          partitions: settings.partitions,
          replicas: settings.replicationFactor,
          configs: Object.entries(settings.configs ?? {}).map(([name, value]) => ({ name, value })),
        });
        created.push(topic);
      } catch (error) {
        if (!isTopicAlreadyExists(error)) throw error;
      }
    }
    return { created, existing: topics.filter((topic) => present.has(topic)) };
  } finally {
    await admin.close();
  }
}

function isTopicAlreadyExists(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${JSON.stringify(error, errorKeys(error))}` : '';
  return text.includes('TOPIC_ALREADY_EXISTS') || text.includes('already exists');
}

function errorKeys(error: Error): string[] {
  return Object.getOwnPropertyNames(error).concat(['errors', 'response', 'apiId']);
}

/** `retention.ms` of each topic (-1 means records are kept forever). */
export async function topicRetentionMs(
  connection: KafkaConnection,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const admin = new Admin({ ...baseClientOptions(connection, 'admin'), retries: 2, retryDelay: 500 });
  try {
    const described = await admin.describeConfigs({
      resources: topics.map((name) => ({
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: name,
        configurationKeys: ['retention.ms'],
      })),
    });
    const result = new Map<string, number>();
    for (const resource of described) {
      const value = resource.configs.find((config) => config.name === 'retention.ms')?.value;
      if (value !== null && value !== undefined) result.set(resource.resourceName, Number(value));
    }
    return result;
  } finally {
    await admin.close();
  }
}
