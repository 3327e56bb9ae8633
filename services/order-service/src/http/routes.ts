/**
 * The order endpoints: validate the body, let the domain decide, publish, and answer only once the
 * broker has the event. Errors are thrown as typed errors; the platform's one error mapper writes them.
 */
import { randomUUID } from 'node:crypto';
import { isUuid, nowInstant, validateChangeOrderStatus, validateCreateOrder } from '@commerce/contracts';
import type { RouteContext } from '@commerce/messaging';
import { ClientError, type HttpServer, ValidationError } from '@commerce/platform';
import {
  changeOrderStatus,
  createOrder,
  type Sources,
  UnsupportedTransitionError,
} from '../domain/orders.ts';

const sources: Sources = { newId: randomUUID, now: nowInstant };

export function registerOrderRoutes(app: HttpServer, { publish }: RouteContext): void {
  app.post('/api/orders', async (request, reply) => {
    const command = validateCreateOrder(request.body);
    if (!command.ok) throw new ValidationError(command.details);
    const event = createOrder(command.value, sources);
    await publish('OrderCreated', event);
    return reply.code(201).send({
      orderId: event.orderId,
      eventId: event.eventId,
      status: 'PUBLISHED',
      createdAt: event.createdAt,
    });
  });

  app.post<{ Params: { orderId: string } }>('/api/orders/:orderId/status', async (request, reply) => {
    const { orderId } = request.params;
    if (!isUuid(orderId)) throw new ValidationError(['orderId: must be a UUID']);
    const command = validateChangeOrderStatus(request.body);
    if (!command.ok) throw new ValidationError(command.details);
    let event: ReturnType<typeof changeOrderStatus>;
    try {
      event = changeOrderStatus(orderId, command.value, sources);
    } catch (error) {
      if (error instanceof UnsupportedTransitionError)
        throw new ClientError(400, 'Invalid status transition', error.message);
      throw error;
    }
    await publish('OrderShipped', event);
    return reply.code(200).send({
      orderId: event.orderId,
      eventId: event.eventId,
      previousStatus: event.previousStatus,
      currentStatus: event.currentStatus,
      status: 'PUBLISHED',
      changedAt: event.changedAt,
    });
  });
}
