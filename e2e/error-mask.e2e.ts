import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger, exportPrivateKey, generateSigner } from '@shop/kit';
import { print } from 'graphql';
import * as gateway from '@shop/gateway';
import { freePort } from '@shop/harness';
import { CategoriesDocument, ShipOrderDocument } from './__generated__/operations.js';
import { bearer, call, startStack, type Result, type Stack } from './support/stack.js';

/**
 * What a client sees of an error is its message and `extensions.code` (plus path and locations):
 * never a subgraph's URL, port, HTTP status or response body. A subgraph refusing the gateway's own
 * signature is the gateway's fault: logged, and answered as an internal error, never as
 * UNAUTHENTICATED (which would make clients sign their users out).
 */
let stack: Stack;
const running: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
});
afterAll(async () => {
  for (const r of running) await r.close();
  await stack?.close();
});

/** Nothing of the subgraph's HTTP exchange in the client's answer. */
function expectNoInternals(res: Result<unknown>, subgraphUrl: string) {
  const text = JSON.stringify(res);
  const { port } = new URL(subgraphUrl);
  expect(text).not.toContain(subgraphUrl);
  expect(text).not.toMatch(/https?:\/\//);
  expect(text).not.toContain(`:${port}`);
  expect(text).not.toMatch(/\b40[13]\b|Forbidden|Unauthorized|statusText|"response"|"body"|serviceName|stacktrace/);
  for (const error of res.errors ?? []) {
    expect(Object.keys(error).sort()).toEqual(expect.arrayContaining(['extensions', 'message']));
    expect(Object.keys(error).every((k) => ['message', 'extensions', 'path', 'locations'].includes(k))).toBe(true);
    expect(Object.keys(error.extensions ?? {}).every((k) => ['code', 'retryable'].includes(k))).toBe(true);
  }
}

const ship = { id: randomUUID(), carrier: 'DHL', trackingNumber: 'JD0001' };

describe('errors from a subgraph', () => {
  it('a customer calling shipOrder sees FORBIDDEN with the subgraph message, and nothing of the order subgraph', async () => {
    const res = await stack.gql(ShipOrderDocument, ship, bearer(await stack.token('alice', 'customer')));
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(res.errors![0]!.message).toBe('Admins only');
    expectNoInternals(res, stack.orderUrl);
  });

  it('a guest calling shipOrder sees UNAUTHENTICATED (a sign-in is what it lacks), and nothing of the order subgraph', async () => {
    const res = await stack.gql(ShipOrderDocument, ship);
    expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'UNAUTHENTICATED' }]);
    expectNoInternals(res, stack.orderUrl);
  });

  it('a subgraph refusing the gateway signature answers INTERNAL_SERVER_ERROR, never 401 or UNAUTHENTICATED, and is logged', async () => {
    const log = createLogger('gateway', 'silent');
    const logged = vi.spyOn(log, 'error');
    // The subgraphs verify with the stack's key; this gateway signs with another one.
    const config = gateway.loadConfig({ ...stack.gatewayEnv, SIGNING_KEY: exportPrivateKey(generateSigner('gateway').key) });
    const gw = await gateway.buildGateway(config, log);
    const r = await gw.listen(0);
    running.push(r);
    const res = await call(`${r.url}/graphql`, print(CategoriesDocument), {}, bearer(await stack.token('alice', 'customer')));
    expect(res.status).not.toBe(401);
    expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'INTERNAL_SERVER_ERROR' }]);
    expect(res.errors![0]!.message).toBe('Internal server error');
    expectNoInternals(res, stack.productUrl);
    expect(logged.mock.calls.map((c) => c[0])).toContainEqual(expect.objectContaining({ subgraph: 'product', status: 401 }));
  });

  it('a subgraph that does not answer is SERVICE_UNAVAILABLE (retryable), not an internal error, and nothing of it leaks', async () => {
    const log = createLogger('gateway', 'silent');
    const warned = vi.spyOn(log, 'warn');
    const closed = `http://127.0.0.1:${await freePort()}/graphql`;
    const config = gateway.loadConfig({ ...stack.gatewayEnv, PRODUCT_URL: closed });
    const r = await (await gateway.buildGateway(config, log)).listen(0);
    running.push(r);
    const res = await call(`${r.url}/graphql`, print(CategoriesDocument), {});
    expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', retryable: true }]);
    expectNoInternals(res, closed);
    expect(warned.mock.calls.map((c) => c[1])).toContain('a subgraph did not answer');
  });
});

describe('a request whose operation cannot be picked', () => {
  /** As GraphiQL 4 sends it after a named query was replaced by an anonymous one: the old name stays. */
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { ...((await res.json()) as Omit<Result<unknown>, 'status'>), status: res.status };
  };

  it('an operationName the document does not define is a 400 OPERATION_RESOLUTION_FAILURE naming it, not an internal error', async () => {
    const res = await post({ query: '{ __typename }', operationName: 'Catalog' });
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([{ message: 'Unknown operation named "Catalog".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }]);
  });

  it('two operations and no operationName: the same refusal, saying a name is needed', async () => {
    const res = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'OPERATION_RESOLUTION_FAILURE' }]);
    expect(res.errors![0]!.message).toBe('Must provide operation name if query contains multiple operations.');
  });

  it('the name of one of them picks it', async () => {
    const res = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'B' });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ __typename: 'Query' });
  });
});
