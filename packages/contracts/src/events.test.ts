/** The event registry and its field tables match the SPEC; the JSON Schema documents follow from them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_TYPE_NAMES, EventTypes, eventTypeOfTopic } from './events.ts';
import { toJsonSchema } from './json-schema.ts';

describe('EventTypes', () => {
  it('maps each event type to its topic, record key, Java class name and kind', () => {
    const summary = EVENT_TYPE_NAMES.map((type) => {
      const { kind, topic, keyField, javaClassName } = EventTypes[type];
      return { type, kind, topic, keyField, javaClassName };
    });
    assert.deepEqual(summary, [
      {
        type: 'OrderCreated',
        kind: 'OrderCreated',
        topic: 'order.created.v1',
        keyField: 'orderId',
        javaClassName: 'com.example.common.event.OrderCreatedEvent',
      },
      {
        type: 'OrderShipped',
        kind: 'OrderShipped',
        topic: 'order.shipped.v1',
        keyField: 'orderId',
        javaClassName: 'com.example.common.event.OrderShippedEvent',
      },
      {
        type: 'ProductCreated',
        kind: 'ProductCreated',
        topic: 'product.created.v1',
        keyField: 'productId',
        javaClassName: 'com.example.common.event.ProductCreatedEvent',
      },
    ]);
    assert.deepEqual(Object.keys(EventTypes), EVENT_TYPE_NAMES);
  });

  it('describes the SPEC fields, in SPEC order, with their kinds, all required', () => {
    const fields = (type: (typeof EVENT_TYPE_NAMES)[number]) =>
      EventTypes[type].fields.map((f) => `${f.name}:${f.kind}${f.required ? '' : '?'}`);
    assert.deepEqual(fields('OrderCreated'), [
      'eventId:uuid',
      'orderId:uuid',
      'customerId:string',
      'customerEmail:string',
      'totalAmount:decimal',
      'currency:string',
      'createdAt:instant',
    ]);
    assert.deepEqual(fields('OrderShipped'), [
      'eventId:uuid',
      'orderId:uuid',
      'customerId:string',
      'customerEmail:string',
      'previousStatus:int32',
      'currentStatus:int32',
      'changedAt:instant',
    ]);
    assert.deepEqual(fields('ProductCreated'), [
      'eventId:uuid',
      'productId:uuid',
      'productName:string',
      'price:decimal',
      'currency:string',
      'stockQuantity:int32',
      'createdAt:instant',
    ]);
  });

  it('finds the event type of a default topic', () => {
    assert.equal(eventTypeOfTopic('order.shipped.v1'), 'OrderShipped');
    assert.equal(eventTypeOfTopic('order.shipped.v1.dlq'), undefined);
  });
});

describe('toJsonSchema', () => {
  it('documents what is written: required fields, exact kinds, unknown fields allowed', () => {
    const schema = toJsonSchema('OrderCreated') as {
      $schema: string;
      title: string;
      type: string;
      required: string[];
      properties: Record<string, Record<string, unknown>>;
      additionalProperties: boolean;
      description: string;
    };
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'OrderCreatedEvent');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, true);
    assert.deepEqual(
      schema.required,
      EventTypes.OrderCreated.fields.map((f) => f.name),
    );
    assert.deepEqual(Object.keys(schema.properties), schema.required);
    assert.equal(schema.properties.totalAmount?.type, 'number');
    assert.equal(schema.properties.createdAt?.format, 'date-time');
    assert.equal(schema.properties.eventId?.format, 'uuid');
    assert.match(
      schema.description,
      /order\.created\.v1.*orderId.*com\.example\.common\.event\.OrderCreatedEvent/,
    );
    const shipped = toJsonSchema('OrderShipped') as { properties: Record<string, Record<string, unknown>> };
    assert.deepEqual(shipped.properties.previousStatus, {
      description: EventTypes.OrderShipped.schema.previousStatus.description,
      type: 'integer',
      minimum: -2147483648,
      maximum: 2147483647,
    });
  });

  it('documents what is read: the extra forms Jackson accepts', () => {
    const schema = toJsonSchema('ProductCreated', 'accepted') as {
      properties: Record<string, { anyOf?: { type: string; pattern?: string }[] }>;
    };
    const priceForms = schema.properties.price?.anyOf?.map((s) => s.type);
    assert.deepEqual(priceForms, ['number', 'string']);
    const instantForms = schema.properties.createdAt?.anyOf?.map((s) => s.type);
    assert.deepEqual(instantForms, ['string', 'number', 'string']);
    const decimalPattern = new RegExp(schema.properties.price?.anyOf?.[1]?.pattern ?? '$^');
    assert.equal(decimalPattern.test(' 12.50 '), true);
    assert.equal(decimalPattern.test('abc'), false);
  });

  it('is plain JSON', () => {
    for (const type of EVENT_TYPE_NAMES) {
      for (const mode of ['produced', 'accepted'] as const) {
        const schema = toJsonSchema(type, mode);
        assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
      }
    }
  });
});
