import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { retryableCallError, ServiceCallError } from './service-client.js';

const codeOf = (err: Error) => (err instanceof GraphQLError ? err.extensions.code : undefined);

describe('retryableCallError', () => {
  it('passes a callee’s CONFLICT on and turns a callee that does not answer into SERVICE_UNAVAILABLE', () => {
    expect(codeOf(retryableCallError(new ServiceCallError('x', 200, ['CONFLICT'])))).toBe('CONFLICT');
    expect(codeOf(retryableCallError(new ServiceCallError('x', 503)))).toBe('SERVICE_UNAVAILABLE');
    expect(codeOf(retryableCallError(new DOMException('The operation was aborted due to timeout', 'TimeoutError')))).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(codeOf(retryableCallError(new TypeError('fetch failed')))).toBe('SERVICE_UNAVAILABLE');
  });

  it('leaves every other failure as it is (an internal error)', () => {
    const forbidden = new ServiceCallError('x', 200, ['FORBIDDEN']);
    expect(retryableCallError(forbidden)).toBe(forbidden);
    const bug = new Error('bug');
    expect(retryableCallError(bug)).toBe(bug);
    // a retryable message must not leak the callee's URL
    expect(retryableCallError(new ServiceCallError('http://127.0.0.1:4001/graphql: busy', 200, ['CONFLICT'])).message).not.toContain(
      '127.0.0.1',
    );
  });
});
