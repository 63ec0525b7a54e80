import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger, type Signer } from '@shop/kit';
import { ROOT } from '@shop/harness';
import * as gateway from '@shop/gateway';
import { CartDocument, CreateCartDocument, ProductDocument } from '../e2e/__generated__/operations.js';
import type { Stack } from '../e2e/support/stack.js';
import { assertLoopback } from './lib.js';
import { Samples, slice, type Measured } from './slices.js';

// @apollo/gateway reports usage to Apollo unless this is set (docs/design.md §8): never from here.
process.env.APOLLO_TELEMETRY_DISABLED = '1';

/** Slices per case and gateway, in alternating order (A B … B A A B … B A). */
const ROUNDS = 4;
/** Each slice measures at least this long: slower cases (the cart, nothing shared) take over a second per request at 20 connections. */
const MIN_SLICE_S = 2;
/** Requests per gateway in the one-at-a-time comparison of ours and vanilla. */
const SERIAL = 300;
const SUBGRAPHS = ['product', 'cart', 'order', 'payment', 'invoice'] as const;

interface Peer {
  name: string;
  url: string;
  close: () => Promise<void>;
}
type Ctx = gateway.GatewayContext;

/**
 * Ours next to its peers over the same running subgraphs and data: vanilla `@apollo/gateway` (the same
 * pinned version, Apollo Server's standalone HTTP server, a data source that only signs the caller
 * the way ours does) and Hive Gateway (`@graphql-hive/gateway-runtime` with its defaults, a plugin
 * that signs the caller, no usage reporting). All of them also run ours with sharing off, to show
 * what in-flight deduplication buys and costs. Loopback only: every peer fetch is checked.
 */
export async function runPeersBench(
  stack: Stack,
  say: (msg: string) => void,
  seconds: number,
): Promise<{ load: Record<string, string | number>[]; serial: Record<string, string | number>[] }> {
  const env = { ...stack.gatewayEnv };
  delete env.PARTNER_CACHE_TTL;
  const config = gateway.loadConfig(env);
  const urls: Record<string, string> = Object.fromEntries(SUBGRAPHS.map((n) => [n, env[`${n.toUpperCase()}_URL`]!]));
  for (const u of Object.values(urls)) assertLoopback(u);
  const auth = gateway.createAuthenticator(config);
  const log = createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent');
  const peers: Peer[] = [];
  try {
    for (const share of [true, false]) {
      const running = await (await gateway.buildGateway(config, log, { share })).listen(0);
      peers.push({ name: share ? 'ours' : 'ours, sharing off', url: `${running.url}/graphql`, close: () => running.close() });
    }
    peers.push(await startVanilla(urls, config.SIGNING_KEY, auth));
    peers.push(await startHive(urls, config.SIGNING_KEY, auth));

    const slugs = await allSlugs(peers[0]!.url);
    const slug = slugs[7]!;
    const cartId = await tenLineCart(stack, peers[0]!.url, say);
    const product = { query: print(ProductDocument), variables: { slug } };
    let n = 0;
    const cases: { name: string; body: unknown; next?: () => unknown; rampMs: number }[] = [
      { name: 'product(slug), identical concurrent requests', body: product, rampMs: 500 },
      { name: 'product(slug) again (A/A: the noise)', body: product, rampMs: 500 },
      {
        name: 'guest cart of 10 lines, identical concurrent requests',
        body: { query: print(CartDocument), variables: { id: cartId } },
        rampMs: 1_500,
      },
      {
        name: `product(slug), a different slug on every request (${slugs.length} slugs, nothing to share)`,
        body: product,
        rampMs: 1_500,
        next: () => ({ query: product.query, variables: { slug: slugs[n++ % slugs.length] } }),
      },
    ];
    for (const c of cases) await sameAnswers(peers, c.body, c.name);

    const results = new Map<string, Measured & { fetches: string }>();
    for (const group of [cases.slice(0, 2), cases.slice(2, 3), cases.slice(3)]) {
      say(`peers: ${group.map((c) => c.name).join('; ')} — ${peers.map((p) => p.name).join(', ')}…`);
      const combos = group.flatMap((c) => peers.map((p) => ({ c, p, samples: new Samples(), calls: 0, sent: 0 })));
      for (let round = 0; round < ROUNDS; round++) {
        for (const x of round % 2 ? [...combos].reverse() : combos) {
          const before = stack.productCalls.calls().gateway;
          const r = await slice(x.p.url, x.c, Math.max(seconds / ROUNDS, MIN_SLICE_S), x.samples);
          if (r.errors || r.non2xx) throw new Error(`${x.c.name}, ${x.p.name}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
          await quiet(() => stack.productCalls.calls().gateway);
          x.calls += stack.productCalls.calls().gateway - before;
          x.sent += r.sent;
        }
      }
      for (const x of combos) results.set(`${x.c.name}/${x.p.name}`, { ...x.samples.result(), fetches: (x.calls / x.sent).toFixed(2) });
    }

    const load = cases.flatMap((c) =>
      peers.map((p) => {
        const r = results.get(`${c.name}/${p.name}`)!;
        const ratio = (other: string) => (r.requestsPerSec / results.get(`${c.name}/${other}`)!.requestsPerSec).toFixed(2);
        return {
          case: c.name,
          gateway: p.name,
          'req/s': r.requestsPerSec,
          'p50 ms': r.p50,
          'p99 ms': r.p99,
          'product-subgraph requests per request': r.fetches,
          'vs vanilla': ratio('vanilla @apollo/gateway'),
          'vs Hive': ratio('Hive Gateway'),
        };
      }),
    );

    say(`peers: ours vs vanilla one request at a time, a different slug each, ${SERIAL} requests each…`);
    const serial = [
      await serialPairs(peers[0]!, peers[2]!, (i) => ({ query: product.query, variables: { slug: slugs[i % slugs.length] } })),
    ];
    return { load, serial };
  } finally {
    for (const p of peers) await p.close();
  }
}

/** Printed under the tables: what each row sends and how it is measured. */
export const PEERS_NOTE = [
  'Four gateways over the same subgraphs and data: ours as it runs in production; ours built with in-flight deduplication off',
  "(`buildGateway(…, { share: false })`, bench only); vanilla `@apollo/gateway` (the same pinned version in Apollo Server's standalone",
  "server, with only a `RemoteGraphQLDataSource` that signs the caller context through `@shop/gateway`'s `subgraphHeaders`); and Hive",
  'Gateway (`@graphql-hive/gateway-runtime` with its defaults, which deduplicate identical subgraph fetches in flight, a plugin that',
  "signs the caller with the same function, no usage reporting, every upstream URL checked to be loopback). Every gateway's answer to",
  'each case is checked to equal ours before measuring. "Identical concurrent requests": 20 connections send the same body; "a',
  'different slug on every request": nothing can be shared. "Again" repeats the first case in the same slices, so its ratios are the',
  `noise of the run. Rows of a block are measured in alternating slices (A B … B A A B … B A, ${ROUNDS} per row, at least ${MIN_SLICE_S} s`,
  "each after an unmeasured ramp of 0.5 s, 1.5 s for the slower cases); req/s is the median of a row's slices, latencies are pooled.",
  'Product-subgraph requests per request: what reached the product subgraph from the gateway during and after the slices (until it',
  'had been quiet for 1 s), divided by the requests sent. The second table: requests one at a time, alternating between ours and vanilla, a',
  'different slug each.',
].join(' ');

class SigningDataSource extends RemoteGraphQLDataSource<Ctx> {
  constructor(
    private readonly audience: string,
    url: string,
    private readonly signer: Signer,
  ) {
    super({ url });
  }

  override willSendRequest(opts: GraphQLDataSourceProcessOptions<Ctx>): void {
    const ctx = 'incomingRequestContext' in opts ? opts.incomingRequestContext.context : undefined;
    for (const [name, value] of Object.entries(gateway.subgraphHeaders(this.signer, this.audience, ctx)))
      opts.request.http!.headers.set(name, value);
  }
}

const supergraphSdl = () => readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');

async function startVanilla(
  urls: Record<string, string>,
  signer: Signer,
  auth: ReturnType<typeof gateway.createAuthenticator>,
): Promise<Peer> {
  const apollo = new ApolloGateway({
    supergraphSdl: supergraphSdl(),
    buildService: ({ name, url }) => new SigningDataSource(name, urls[name] ?? url!, signer),
  });
  const server = new ApolloServer<Ctx>({ gateway: apollo });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ caller: await auth.authenticate(req.headers.authorization), requestId: randomUUID() }),
  });
  return { name: 'vanilla @apollo/gateway', url, close: () => server.stop() };
}

/**
 * The part of `@graphql-hive/gateway-runtime` this bench uses, loaded through a specifier TypeScript
 * does not follow: its types reference `lib.dom` (through @whatwg-node/fetch), which would retype
 * `fetch`, `Response` and other globals for every file type-checked with bench/.
 */
const HIVE_RUNTIME = '@graphql-hive/gateway-runtime';
interface HivePlugin {
  onContextBuilding: (payload: { context: { request: Request }; extendContext: (more: Ctx) => void }) => Promise<void>;
  onFetch: (payload: {
    url: string;
    options: { headers?: Record<string, string> };
    setOptions: (options: { headers?: Record<string, string> }) => void;
    context: Partial<Ctx>;
  }) => void;
}
interface HiveRuntime extends http.RequestListener {
  dispose: () => Promise<void> | void;
}
type CreateGatewayRuntime = (config: {
  supergraph: string;
  logging: false;
  landingPage: false;
  graphiql: false;
  plugins: () => HivePlugin[];
}) => HiveRuntime;

async function startHive(
  urls: Record<string, string>,
  signer: Signer,
  auth: ReturnType<typeof gateway.createAuthenticator>,
): Promise<Peer> {
  const audienceOf = new Map(Object.entries(urls).map(([name, url]) => [url, name]));
  // The committed supergraph names the local default ports; point it at this run's subgraphs.
  const supergraph = supergraphSdl().replace(
    /@join__graph\(name: "([a-z]+)", url: "([^"]+)"\)/g,
    (_m, name: string, url: string) => `@join__graph(name: "${name}", url: "${urls[name] ?? url}")`,
  );
  const { createGatewayRuntime } = (await import(HIVE_RUNTIME)) as { createGatewayRuntime: CreateGatewayRuntime };
  const runtime = createGatewayRuntime({
    supergraph,
    logging: false,
    landingPage: false,
    graphiql: false,
    plugins: () => [
      {
        onContextBuilding: async ({ context, extendContext }) => {
          const header = context.request.headers.get('authorization') ?? undefined;
          extendContext({ caller: await auth.authenticate(header), requestId: randomUUID() });
        },
        onFetch: ({ url, options, setOptions, context }) => {
          assertLoopback(url);
          const audience = audienceOf.get(url);
          if (!audience) throw new Error(`Hive Gateway fetched ${url}, which is none of this run's subgraphs`);
          const { caller, requestId } = context;
          const ctx = caller && requestId ? { caller, requestId } : undefined;
          setOptions({ ...options, headers: { ...options.headers, ...gateway.subgraphHeaders(signer, audience, ctx) } });
        },
      },
    ],
  });
  const server = http.createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'Hive Gateway',
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function allSlugs(url: string): Promise<string[]> {
  const { json } = await post(url, { query: '{ products(first: 100, sort: PRICE_ASC) { edges { node { slug } } } }' });
  const slugs = (json.data?.products?.edges ?? []).map((e: { node: { slug: string } }) => e.node.slug) as string[];
  if (slugs.length < 40) throw new Error(`the bench needs a seeded catalog: ${JSON.stringify(json).slice(0, 300)}`);
  return slugs;
}

/** A guest cart of 10 lines, of 10 products made for it. */
async function tenLineCart(stack: Stack, url: string, say: (msg: string) => void): Promise<string> {
  say('peers: creating 10 products and a guest cart of 10 lines…');
  const lines = [];
  for (let i = 1; i <= 10; i++)
    lines.push({ productId: (await stack.createProduct({ price: 100 * i + 7, initialStock: 1_000 })).id, quantity: 2 });
  const { json } = await post(url, { query: print(CreateCartDocument), variables: { input: { lines } } });
  const id = json.data?.createCart?.cart?.id as string | undefined;
  if (!id || json.data.createCart.userErrors.length) throw new Error(`bench setup: ${JSON.stringify(json).slice(0, 500)}`);
  return id;
}

/** Every gateway answers the case with data, no errors, and the same data as ours. */
async function sameAnswers(peers: Peer[], body: unknown, name: string): Promise<void> {
  let expected: string | undefined;
  for (const p of peers) {
    const { status, json } = await post(p.url, body);
    if (status !== 200 || json.errors || !json.data) throw new Error(`${name}, ${p.name}: ${status} ${JSON.stringify(json).slice(0, 500)}`);
    const data = JSON.stringify(json.data);
    expected ??= data;
    if (data !== expected) throw new Error(`${name}: ${p.name} answered ${data.slice(0, 300)}, ours ${expected.slice(0, 300)}`);
  }
}

/**
 * Waits until requests still running after a slice have finished: the count has not moved for 1 s
 * (a cart request spends a while in the cart subgraph before the gateway asks the product subgraph).
 */
async function quiet(count: () => number, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = count();
  let stable = 0;
  while (stable < 4) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = count();
    stable = now === last ? stable + 1 : 0;
    last = now;
    if (Date.now() > deadline) throw new Error('bench: the subgraphs did not go quiet after a slice');
  }
}

/** One request at a time, alternating between the two gateways (which goes first alternates too); medians. */
async function serialPairs(a: Peer, b: Peer, body: (i: number) => unknown): Promise<Record<string, string | number>> {
  const times = new Map<Peer, number[]>([
    [a, []],
    [b, []],
  ]);
  const once = async (p: Peer, i: number) => {
    const started = performance.now();
    const { status, json } = await post(p.url, body(i));
    if (status !== 200 || json.errors) throw new Error(`${p.name}: ${status} ${JSON.stringify(json).slice(0, 300)}`);
    times.get(p)!.push(performance.now() - started);
  };
  for (let i = 0; i < 40; i++) await once(i % 2 ? a : b, i);
  for (const t of times.values()) t.length = 0;
  for (let i = 0; i < SERIAL; i++) for (const p of i % 2 ? [a, b] : [b, a]) await once(p, i);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const [ma, mb] = [median(times.get(a)!), median(times.get(b)!)];
  return {
    request: 'product(slug), a different slug each, one at a time',
    requests: `${SERIAL} + ${SERIAL}`,
    [`${a.name} median ms`]: ma.toFixed(2),
    [`${b.name} median ms`]: mb.toFixed(2),
    [`${a.name} − ${b.name} µs`]: Math.round((ma - mb) * 1000),
    [`${a.name} / ${b.name}`]: (ma / mb).toFixed(3),
  };
}
