/**
 * `storedNothing`: which failed produce requests certainly stored nothing (the caller is told "not
 * published") and which may have stored the record (the caller is told the outcome is unknown). The
 * errors are the Kafka client's own classes, shaped as it throws them (attempts aggregated).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MultipleErrors,
  NetworkError,
  ProtocolError,
  ResponseError,
  TimeoutError,
} from '@platformatic/kafka';
import { storedNothing } from './publisher.ts';

const refused = () =>
  new NetworkError('Connection to 127.0.0.1:9092 failed.', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' }),
  });
const attempts = (...errors: Error[]) => new MultipleErrors('Produce failed 3 times.', errors);

test('connections that could not be made, or broker refusals before the append: nothing stored', () => {
  assert.equal(storedNothing(attempts(refused(), refused(), refused())), true);
  assert.equal(storedNothing(new ProtocolError('NOT_LEADER_OR_FOLLOWER')), true);
  assert.equal(storedNothing(new ProtocolError('NOT_ENOUGH_REPLICAS')), true);
  assert.equal(storedNothing(new ProtocolError('MESSAGE_TOO_LARGE')), true);
  assert.equal(storedNothing(attempts(refused(), new ProtocolError('LEADER_NOT_AVAILABLE'))), true);
});

test('a timeout, a connection lost mid-request, or an append not confirmed: may be stored', () => {
  assert.equal(storedNothing(new TimeoutError('Request timed out')), false);
  assert.equal(storedNothing(new NetworkError('Connection closed')), false);
  assert.equal(storedNothing(new ProtocolError('REQUEST_TIMED_OUT')), false);
  assert.equal(storedNothing(new ProtocolError('NOT_ENOUGH_REPLICAS_AFTER_APPEND')), false);
  // One uncertain attempt among refusals makes the whole uncertain.
  assert.equal(storedNothing(attempts(refused(), new TimeoutError('Request timed out'), refused())), false);
  assert.equal(storedNothing(new Error('something else')), false);
  assert.equal(storedNothing(undefined), false);
});

test('a broker error response (several partitions) is judged by each of its errors', () => {
  const response = new ResponseError(0, 9, { '/topics/0/partitions/0': [6, null] }, {});
  assert.equal(storedNothing(response), true, 'NOT_LEADER_OR_FOLLOWER on every partition');
  const mixed = new ResponseError(0, 9, { '/a': [6, null], '/b': [7, null] }, {});
  assert.equal(storedNothing(mixed), false, 'one partition timed out after the append');
});

test('a produce answer is judged for the record’s own partition: appended, refused, or not carried', () => {
  // Partition 0 appended, partition 1 refused (NOT_LEADER_OR_FOLLOWER = 6), partition 2 timed out (7).
  const answer = {
    responses: [
      {
        name: 'order.created.v1',
        partitionResponses: [
          { index: 0, errorCode: 0 },
          { index: 1, errorCode: 6 },
          { index: 2, errorCode: 7 },
        ],
      },
    ],
  };
  const response = new ResponseError(
    0,
    9,
    { '/responses/0/partition_responses/1': [6, null], '/responses/0/partition_responses/2': [7, null] },
    answer,
  );
  const slot = (partition: number, topic = 'order.created.v1') => ({ topic, partition });
  assert.equal(storedNothing(response, slot(0)), false, 'appended');
  assert.equal(storedNothing(response, slot(1)), true, 'refused before the append');
  assert.equal(storedNothing(response, slot(2)), false, 'timed out after the append');
  assert.equal(storedNothing(response, slot(0, 'product.created.v1')), true, 'not in this request');
  assert.equal(storedNothing(response), false, 'without a partition: something was appended');
  // The same answer inside the client's aggregate of attempts and leaders.
  assert.equal(storedNothing(attempts(refused(), response), slot(1)), true);
  assert.equal(storedNothing(attempts(new NetworkError('Connection closed'), response), slot(1)), false);
});
