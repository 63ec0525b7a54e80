import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { z } from 'zod';
import { ServiceCallError } from '@shop/kit';
import { classifyFailure, HttpStatusError } from './classify.js';
import { HandlerTimeoutError } from './consumer.js';
import { EventValidationError } from './contracts.js';
import { PermanentError } from './retry.js';

const smtp = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
const named = (name: string, message = name) => Object.assign(new Error(message), { name });
const fetchFailed = () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4003'), { code: 'ECONNREFUSED' }) });

describe('classifyFailure', () => {
  it.each<[string, unknown]>([
    ['PermanentError', new PermanentError('order unknown')],
    ['a contract breach', new EventValidationError('shop.order.paid.v1', ['orderId: invalid'])],
    ['a zod error', z.object({ a: z.string() }).safeParse({}).error],
    ['a mongoose validation error', new mongoose.Error.ValidationError()],
    ['HTTP 400 from a service call', new ServiceCallError('bad request', 400)],
    ['HTTP 403 from a service call', new ServiceCallError('forbidden', 403)],
    ['HTTP 404 from a REST call', new HttpStatusError('not found', 404)],
    ['GraphQL BAD_USER_INPUT', new ServiceCallError('invalid id', 200, ['BAD_USER_INPUT'])],
    ['SMTP 550 mailbox unavailable', smtp('550 5.1.1 no such user', { responseCode: 550, code: 'EENVELOPE' })],
    ['SMTP 554 transaction failed', smtp('rejected', { responseCode: 554, code: 'EMESSAGE' })],
    ['an envelope nodemailer refuses', smtp('No recipients defined', { code: 'EENVELOPE' })],
    ['a permanent cause under a wrapper', new Error('SMTP send failed', { cause: smtp('550', { responseCode: 550 }) })],
  ])('%s is permanent', (_name, err) => {
    expect(classifyFailure(err).kind).toBe('permanent');
  });

  it.each<[string, unknown, RegExp]>([
    ['connection refused (fetch)', fetchFailed(), /connection failed \(ECONNREFUSED\)/],
    ['a fetch timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), /timed out/],
    ['HTTP 500 from a service call', new ServiceCallError('boom', 500), /HTTP 500/],
    ['HTTP 502 without a GraphQL body', new ServiceCallError('HTTP 502', 502), /HTTP 502/],
    ['HTTP 408 from a service call', new ServiceCallError('timeout', 408), /retry later/],
    ['HTTP 429 from a REST call', new HttpStatusError('slow down', 429), /retry later/],
    ['GraphQL INTERNAL_SERVER_ERROR (HTTP 200)', new ServiceCallError('oops', 200, ['INTERNAL_SERVER_ERROR']), /service call/],
    ['a call that got no answer', new ServiceCallError('no answer'), /no answer/],
    ['MongoNetworkError', named('MongoNetworkError', 'connection closed'), /database unavailable/],
    ['MongoServerSelectionError', named('MongoServerSelectionError', 'Server selection timed out'), /database unavailable/],
    ['MongoNetworkTimeoutError', named('MongoNetworkTimeoutError', 'socket timed out'), /database unavailable/],
    ['MongoWaitQueueTimeoutError', named('MongoWaitQueueTimeoutError'), /database unavailable/],
    ['SMTP 421 service not available', smtp('try later', { responseCode: 421, code: 'EENVELOPE' }), /SMTP temporary/],
    ['SMTP 451 local error', smtp('later', { responseCode: 451, code: 'EMESSAGE' }), /SMTP temporary/],
    ['SMTP connection refused', smtp('connect ECONNREFUSED', { code: 'ESOCKET' }), /connection failed/],
    ['SMTP greeting timeout', smtp('Greeting never received', { code: 'ETIMEDOUT' }), /connection failed/],
    ['a handler past its deadline', new HandlerTimeoutError(120_000), /timed out/],
    [
      'a transient cause under a wrapper',
      new Error('SMTP send failed', { cause: smtp('x', { code: 'ECONNECTION' }) }),
      /connection failed/,
    ],
    ['an unknown error', new Error('something odd'), /unclassified/],
    ['a thrown string', 'nope', /unclassified/],
  ])('%s is transient', (_name, err, reason) => {
    const failure = classifyFailure(err);
    expect(failure.kind).toBe('transient');
    expect(failure.reason).toMatch(reason);
  });
});
