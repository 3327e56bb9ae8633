/** order-service: takes orders and status changes over HTTP and publishes them as Kafka events. */
import { runPublishingService } from '@commerce/messaging';
import { registerOrderRoutes } from './http/routes.ts';

await runPublishingService({
  serviceName: 'order-service',
  description: 'Publishes order.created.v1 and order.shipped.v1',
  defaultPort: 8081,
  eventTypes: ['OrderCreated', 'OrderShipped'],
  registerRoutes: registerOrderRoutes,
});
