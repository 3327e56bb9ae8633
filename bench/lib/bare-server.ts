/**
 * The publish path's HTTP ceiling: the same framework (Fastify 5, the same version the services use)
 * with a POST /api/orders route that does nothing but answer 201 with a small JSON body. Fastify's own
 * JSON body parser runs; no logging, no metrics, no validation, no Kafka. Run as its own process:
 * `node bench/lib/bare-server.ts <port>`.
 */
import fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = fastify({ logger: false });
app.get('/health', async () => ({ status: 'UP' }));
app.post('/api/orders', async (_request, reply) => reply.code(201).send({ status: 'PUBLISHED' }));
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
