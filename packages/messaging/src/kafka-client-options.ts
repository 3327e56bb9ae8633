/**
 * The connection settings every Kafka client of a service shares (bootstrap servers, client id, and the
 * optional SASL/TLS security), built once from the service's configuration.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';

export interface KafkaSecurity {
  /** SASL mechanism and credentials; absent means no SASL. */
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
  /** TLS options for the broker connections; absent means plaintext. */
  tls?: TlsOptions;
}

export interface KafkaConnection extends KafkaSecurity {
  /** `host:port` entries. */
  bootstrapServers: string[];
  /** Prefix of the client ids this service's clients use. */
  clientId: string;
}

export function baseClientOptions(connection: KafkaConnection, role: string) {
  return {
    clientId: `${connection.clientId}-${role}`,
    bootstrapBrokers: connection.bootstrapServers,
    connectTimeout: 3000,
    ...(connection.sasl ? { sasl: connection.sasl } : {}),
    ...(connection.tls ? { tls: connection.tls } : {}),
  };
}
