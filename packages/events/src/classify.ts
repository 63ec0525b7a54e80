import mongoose from 'mongoose';
import { ServiceCallError } from '@shop/kit';
import { EventValidationError } from './contracts.js';
import { PermanentError } from './retry.js';

/**
 * Whether retrying a failed handler can help (docs/design.md §5): the one place that knows the error types
 * of the project's dependencies. `permanent` goes to the DLQ at once; `transient` is retried with capped
 * backoff for the retry budget. Anything not recognised is transient: a message is never given up early
 * because an error was unexpected (it still reaches the DLQ as `exhausted` once the budget is spent).
 */
export type FailureKind = 'permanent' | 'transient';

export interface Failure {
  kind: FailureKind;
  /** What kind of failure it was, for logs and dead letters (the error's own message comes on top). */
  reason: string;
}

/**
 * An HTTP call answered with an error status (the invoice service's REST routes, a provider API). Throw it
 * from an adapter and let `classifyFailure` decide: 4xx other than 408/429 is permanent, the rest transient.
 */
export class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** GraphQL codes a service answers that the same request will always get again. */
const PERMANENT_GRAPHQL_CODES = new Set(['BAD_USER_INPUT']);

const permanent = (reason: string): Failure => ({ kind: 'permanent', reason });
const transient = (reason: string): Failure => ({ kind: 'transient', reason });

function httpStatus(status: number | undefined, what: string): Failure {
  if (status === undefined) return transient(`${what}: no answer`);
  if (status === 408 || status === 429) return transient(`${what}: HTTP ${status}, retry later`);
  if (status >= 400 && status < 500) return permanent(`${what}: HTTP ${status} (refused request)`);
  return transient(`${what}: HTTP ${status}`);
}

const MONGO_TRANSIENT = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoWaitQueueTimeoutError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/** A verdict for this error alone, or undefined to look at its cause. */
function classifyOne(err: unknown): Failure | undefined {
  if (err instanceof PermanentError) return permanent('permanent failure');
  if (err instanceof EventValidationError) return permanent('contract breach');
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'ZodError') return permanent('contract breach');
  if (err instanceof mongoose.Error.ValidationError || err instanceof mongoose.Error.CastError) {
    return permanent('data the schema rejects');
  }
  if (err instanceof ServiceCallError) {
    if (err.codes.some((c) => PERMANENT_GRAPHQL_CODES.has(c))) return permanent(`service call refused the input (${err.codes.join(', ')})`);
    return httpStatus(err.status === 200 ? 500 : err.status, 'service call failed');
  }
  if (err instanceof HttpStatusError) return httpStatus(err.status, 'HTTP call failed');
  if (MONGO_TRANSIENT.has(err.name)) return transient('database unavailable');
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return transient('timed out');
  // nodemailer: `responseCode` is the SMTP reply (RFC 5321 §4.2.1: 5xx permanent, 4xx temporary).
  const smtp = err as Error & { responseCode?: unknown; code?: unknown };
  if (typeof smtp.responseCode === 'number') {
    if (smtp.responseCode >= 500 && smtp.responseCode < 600) return permanent(`SMTP permanent rejection ${smtp.responseCode}`);
    return transient(`SMTP temporary failure ${smtp.responseCode}`);
  }
  // nodemailer refusing an address before talking to the server.
  if (smtp.code === 'EENVELOPE') return permanent('invalid email envelope');
  if (typeof smtp.code === 'string' && /^(ECONNECTION|ETIMEDOUT|ESOCKET|EDNS|ECONNREFUSED|ECONNRESET|EPIPE|EAI_AGAIN)$/.test(smtp.code)) {
    return transient(`connection failed (${smtp.code})`);
  }
  return undefined;
}

/** Classifies `err`, looking through its `cause` chain (an adapter may wrap what it caught). */
export function classifyFailure(err: unknown): Failure {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const verdict = classifyOne(current);
    if (verdict) return verdict;
    current = current instanceof Error ? current.cause : undefined;
  }
  return transient('unclassified error, retried as transient');
}
