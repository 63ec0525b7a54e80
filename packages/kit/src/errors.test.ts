import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maskErrors } from './errors.js';

describe('maskErrors', () => {
  const mask = (logged: unknown[] = []) => maskErrors((err) => logged.push(err));

  it('passes a public error as message, code, path and locations only: no subgraph URL, status or body', () => {
    const formatted = {
      message: 'Admins only',
      locations: [{ line: 1, column: 12 }],
      path: ['shipOrder'],
      extensions: {
        code: 'FORBIDDEN',
        serviceName: 'order',
        response: { url: 'http://127.0.0.1:4003/graphql', status: 403, statusText: 'Forbidden', body: { errors: [] } },
        stacktrace: ['at x'],
      },
    };
    expect(mask()(formatted, new GraphQLError('Admins only'))).toEqual({
      message: 'Admins only',
      locations: [{ line: 1, column: 12 }],
      path: ['shipOrder'],
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('keeps the field of a BAD_USER_INPUT error', () => {
    const formatted = { message: 'id is not a cart id', extensions: { code: 'BAD_USER_INPUT', field: 'id', http: { status: 400 } } };
    expect(mask()(formatted, new GraphQLError(formatted.message)).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('masks and logs anything else', () => {
    const logged: unknown[] = [];
    const error = new Error('connect ECONNREFUSED 127.0.0.1:27017');
    const formatted = {
      message: error.message,
      path: ['products'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', exception: { stack: 'x' } },
    };
    expect(mask(logged)(formatted, error)).toEqual({
      message: 'Internal server error',
      path: ['products'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([error]);
  });
});
