import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { graphqlMetricsPlugin } from './graphql-metrics.js';
import { metricsRegistry } from './metrics.js';

const typeDefs = 'type Query { products: [String!]! hello: String }\ntype Mutation { checkout: String }';
const resolvers = { Query: { products: () => ['mug'], hello: () => 'hi' }, Mutation: { checkout: () => 'ok' } };

async function serverWith(component: string, registered: string[]) {
  const server = new ApolloServer<{ caller: { kind: string } }>({
    typeDefs,
    resolvers,
    plugins: [graphqlMetricsPlugin({ component, registeredOperations: new Set(registered), clientClass: (c) => c.caller.kind })],
  });
  await server.start();
  const run = (query: string, operationName?: string, kind = 'guest') =>
    server.executeOperation({ query, operationName }, { contextValue: { caller: { kind } } });
  return { server, run };
}

/** The `operation` label values recorded for `component`. */
async function operationLabels(component: string): Promise<string[]> {
  const metric = await metricsRegistry.getSingleMetric('shop_graphql_requests_total')!.get();
  return [...new Set(metric.values.filter((v) => v.labels.component === component).map((v) => String(v.labels.operation)))].sort();
}

async function count(component: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('shop_graphql_requests_total')!.get();
  return metric.values
    .filter((v) => v.labels.component === component && Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((n, v) => n + v.value, 0);
}

describe('graphqlMetricsPlugin', () => {
  it('never turns a client-chosen operation name into a label value', async () => {
    const { server, run } = await serverWith('hostile', ['ListProducts']);
    const hostile = Array.from({ length: 20 }, (_, i) => `Evil${i}_${'x'.repeat(i * 10)}`);
    for (const name of hostile) await run(`query ${name} { products }`, name);
    await run('mutation Sneaky { checkout }', 'Sneaky');
    await run('{ hello }');
    await server.stop();
    expect(await operationLabels('hostile')).toEqual(['mutation.checkout', 'query.hello', 'query.products']);
    expect(await count('hostile', { operation: 'query.products' })).toBe(20);
  });

  it('labels a registered operation by its name, and what does not parse or validate as invalid', async () => {
    const { server, run } = await serverWith('registered', ['ListProducts']);
    await run('query ListProducts { products }', 'ListProducts', 'partner');
    await run('query { nosuchfield }');
    await run('query {');
    await server.stop();
    expect(await operationLabels('registered')).toEqual(['ListProducts', 'invalid']);
    expect(await count('registered', { operation: 'ListProducts', client: 'partner' })).toBe(1);
    expect(await count('registered', { operation: 'invalid' })).toBe(2);
  });

  it('counts errors by a bounded code and keeps unknown client classes out', async () => {
    const { server, run } = await serverWith('errors', []);
    await run('query {');
    await run('{ hello }', undefined, 'martian');
    await server.stop();
    const errors = await metricsRegistry.getSingleMetric('shop_graphql_errors_total')!.get();
    const ours = errors.values.filter((v) => v.labels.component === 'errors');
    expect(ours.map((v) => [v.labels.code, v.value])).toEqual([['GRAPHQL_PARSE_FAILED', 1]]);
    expect(await count('errors', { client: 'other' })).toBe(1);
  });
});
