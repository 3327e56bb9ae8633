/**
 * The Kafka settings every service reads from its environment: where the brokers are, how to
 * authenticate, how topics are created and named, and the Java type headers. Variable names follow the
 * original where it had one (`KAFKA_BOOTSTRAP_SERVERS`).
 */
import { type EventTypeName, EventTypes } from '@commerce/contracts';
import {
  type EnvSource,
  readBool,
  readEnum,
  readInt,
  readList,
  readString,
  readTlsClient,
} from '@commerce/platform';
import type { KafkaConnection } from './kafka-client-options.ts';
import type { TopicSettings } from './topic-admin.ts';

export interface KafkaConfig {
  connection: KafkaConnection;
  topicSettings: TopicSettings;
  /** Topic name per event type. */
  topics: Record<EventTypeName, string>;
  /** Appended to a topic's name to name its dead-letter topic. */
  dlqSuffix: string;
  typeIdHeader: boolean;
  javaClassNames: Record<EventTypeName, string>;
}

const eventTypeNames = Object.keys(EventTypes) as EventTypeName[];

/** `ORDER_CREATED` for `OrderCreated`: the suffix of per-event-type variables. */
function envSuffix(type: EventTypeName): string {
  return type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function readKafkaConfig(env: EnvSource, serviceName: string): KafkaConfig {
  const mechanism = readEnum(env, 'KAFKA_SASL_MECHANISM', 'NONE', [
    'NONE',
    'PLAIN',
    'SCRAM-SHA-256',
    'SCRAM-SHA-512',
  ]);
  const username = readString(env, 'KAFKA_SASL_USERNAME', '');
  const password = readString(env, 'KAFKA_SASL_PASSWORD', '');
  if (mechanism !== 'NONE' && (username === '' || password === '')) {
    env.problems.push(
      `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM=${mechanism}`,
    );
  }
  const tls = readTlsClient(env, 'KAFKA');
  const minInsync = readInt(env, 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS', 0, { min: 0, max: 100 });
  const topics = {} as Record<EventTypeName, string>;
  const javaClassNames = {} as Record<EventTypeName, string>;
  for (const type of eventTypeNames) {
    topics[type] = readString(env, `KAFKA_TOPIC_${envSuffix(type)}`, EventTypes[type].topic);
    javaClassNames[type] = readString(
      env,
      `KAFKA_TYPE_ID_${envSuffix(type)}`,
      EventTypes[type].javaClassName,
    );
  }
  return {
    connection: {
      bootstrapServers: readList(env, 'KAFKA_BOOTSTRAP_SERVERS', ['localhost:9092'], { minItems: 1 }),
      clientId: readString(env, 'KAFKA_CLIENT_ID', serviceName),
      ...(mechanism !== 'NONE' ? { sasl: { mechanism, username, password } } : {}),
      ...(tls ? { tls } : {}),
    },
    topicSettings: {
      partitions: readInt(env, 'KAFKA_TOPIC_PARTITIONS', 3, { min: 1, max: 10_000 }),
      replicationFactor: readInt(env, 'KAFKA_TOPIC_REPLICATION_FACTOR', 1, { min: 1, max: 100 }),
      ...(minInsync > 0 ? { configs: { 'min.insync.replicas': String(minInsync) } } : {}),
    },
    topics,
    dlqSuffix: readString(env, 'KAFKA_DLQ_SUFFIX', '.dlq'),
    typeIdHeader: readBool(env, 'KAFKA_TYPE_ID_HEADER_ENABLED', true),
    javaClassNames,
  };
}
