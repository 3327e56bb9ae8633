/** Topic and consumer-group names are the SPEC ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_TOPICS, ConsumerGroups, DEAD_LETTER_SUFFIX, deadLetterTopicOf, Topics } from './topics.ts';

describe('topics', () => {
  it('are the six SPEC topics', () => {
    assert.deepEqual([...ALL_TOPICS].sort(), [
      'order.created.v1',
      'order.created.v1.dlq',
      'order.shipped.v1',
      'order.shipped.v1.dlq',
      'product.created.v1',
      'product.created.v1.dlq',
    ]);
  });

  it('name each dead-letter topic <topic>.dlq', () => {
    assert.equal(DEAD_LETTER_SUFFIX, '.dlq');
    assert.equal(deadLetterTopicOf(Topics.orderCreated), Topics.orderCreatedDlq);
    assert.equal(deadLetterTopicOf(Topics.orderShipped), Topics.orderShippedDlq);
    assert.equal(deadLetterTopicOf(Topics.productCreated), Topics.productCreatedDlq);
    assert.equal(deadLetterTopicOf('custom', '-dead'), 'custom-dead');
  });

  it('name the SPEC consumer groups', () => {
    assert.equal(ConsumerGroups.notification, 'notification-consumer-group');
    assert.equal(ConsumerGroups.notificationDlq, 'notification-consumer-group-dlq');
  });
});
