/** The product endpoint: validate, build the event, publish, answer once the broker has it. */
import { randomUUID } from 'node:crypto';
import { nowInstant, type ProductCreatedEvent, validateCreateProduct } from '@commerce/contracts';
import type { RouteContext } from '@commerce/messaging';
import { type HttpServer, ValidationError } from '@commerce/platform';

export function registerProductRoutes(app: HttpServer, { publish }: RouteContext): void {
  app.post('/api/products', async (request, reply) => {
    const command = validateCreateProduct(request.body);
    if (!command.ok) throw new ValidationError(command.details);
    const event: ProductCreatedEvent = {
      eventId: randomUUID(),
      productId: randomUUID(),
      productName: command.value.productName,
      price: command.value.price,
      currency: command.value.currency,
      stockQuantity: command.value.stockQuantity,
      createdAt: nowInstant(),
    };
    await publish('ProductCreated', event);
    return reply.code(201).send({
      productId: event.productId,
      eventId: event.eventId,
      status: 'PUBLISHED',
      createdAt: event.createdAt,
    });
  });
}
