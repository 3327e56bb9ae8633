/** product-service: takes new products over HTTP and publishes them as Kafka events. */
import { runPublishingService } from '@commerce/messaging';
import { registerProductRoutes } from './http/routes.ts';

await runPublishingService({
  serviceName: 'product-service',
  description: 'Publishes product.created.v1',
  defaultPort: 8083,
  eventTypes: ['ProductCreated'],
  registerRoutes: registerProductRoutes,
});
