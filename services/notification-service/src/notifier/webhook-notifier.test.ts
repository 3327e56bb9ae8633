import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Notification } from './notifier.ts';
import { NotificationSendError } from './notifier.ts';
import { WebhookNotifier } from './webhook-notifier.ts';

const received: Array<{ key: string | undefined; body: Record<string, unknown> }> = [];
let respond: (res: ServerResponse) => void = (res) => res.writeHead(204).end();
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    received.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) });
    respond(res);
  });
});
let url = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const notification: Notification = {
  kind: 'ORDER_CONFIRMATION',
  eventType: 'OrderCreated',
  eventId: '11111111-1111-4111-8111-111111111111',
  subjectId: '22222222-2222-4222-8222-222222222222',
  message: 'Order confirmation',
  event: { customerId: 'user-1001' },
  eventJson: () => '{"eventId":"11111111-1111-4111-8111-111111111111","totalAmount":12000.50}',
};
const signal = new AbortController().signal;

describe('WebhookNotifier', () => {
  test('POSTs the notification with Idempotency-Key = eventId and the event exactly as on the wire', async () => {
    respond = (res) => res.writeHead(204).end();
    await new WebhookNotifier({ url, timeoutMs: 2000 }).send(notification, signal);
    const last = received.at(-1)!;
    assert.equal(last.key, notification.eventId);
    assert.equal(last.body.eventId, notification.eventId);
    assert.equal(last.body.eventType, 'OrderCreated');
    assert.equal(last.body.message, 'Order confirmation');
    assert.deepEqual(last.body.event, { eventId: notification.eventId, totalAmount: 12000.5 });
  });

  test('a non-2xx answer is a send failure', async () => {
    respond = (res) => res.writeHead(503).end('busy');
    await assert.rejects(
      new WebhookNotifier({ url, timeoutMs: 2000 }).send(notification, signal),
      (e) => e instanceof NotificationSendError && /HTTP 503/.test(e.message),
    );
  });

  test('no answer within the timeout is a send failure', async () => {
    respond = () => {}; // never answers
    await assert.rejects(
      new WebhookNotifier({ url, timeoutMs: 200 }).send(notification, signal),
      (e) => e instanceof NotificationSendError && /did not answer/.test(e.message),
    );
  });
});
