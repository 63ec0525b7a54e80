import { createHash, randomUUID } from 'node:crypto';
import { createLogger, REQUEST_ID_HEADER, type RunningServer } from '@shop/kit';
import * as gateway from '@shop/gateway';
import type { Stack } from '../e2e/support/stack.js';
import { Samples, slice, type Measured } from './slices.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Slices per case and side, in alternating order (A B … B A A B … B A). */
const ROUNDS = 4;
/** The start of a slice that is not measured (connections open, the first responses arrive), unless a case says otherwise. */
const RAMP_MS = 300;
/** Requests per gateway in the one-at-a-time comparison. */
const SERIAL = 600;
const pq = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });

interface Case {
  name: string;
  /** The request body; with `unique`, a fresh `# n` comment is appended to its query text on every request. */
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  unique?: boolean;
  /** Concurrent connections (20 unless given). */
  connections?: number;
  /** Unmeasured start of each slice, at least one latency (RAMP_MS unless given). */
  rampMs?: number;
  /** Compared with this case's throughput in the "vs text" column. */
  versus?: string;
}

/**
 * What the edge costs per request. Two gateways over the stack's subgraphs, database and
 * partner registry, identical except that one is built without the query limits (GraphQL Armor, the
 * parser's token limit and the list-length plugin), each loaded with: a partner's persisted query by
 * id, the same body sent as query text by a first-party client, a first-party APQ hash-only request,
 * the text again (an A/A control: the run's noise), a heavier partner query, and a gateway-only
 * document that is new on every request (no subgraph call; parse, validation and planning every
 * time, the one path where the limits' validation rules run on every request).
 */
export async function runEdgeBench(
  stack: Stack,
  say: (msg: string) => void,
  seconds: number,
): Promise<{ load: Record<string, string | number>[]; serial: Record<string, string | number>[] }> {
  const safelist = gateway.loadSafelist();
  const op = (name: string) => {
    const found = [...safelist.byId.values()].find((o) => o.name === name);
    if (!found) throw new Error(`${name} is not in the partner safelist`);
    return found;
  };
  const one = op('PartnerProduct');
  const many = op('PartnerProducts');
  const key = await stack.addPartner(`bench-edge-${randomUUID().slice(0, 8)}`, 'all');
  const partner = { [gateway.API_KEY_HEADER]: key };

  // Production's partner-key cache (the e2e stack's gateway looks every key up in the database, so a
  // revocation is seen at once); rate limits stay the stack's, far above what this sends.
  const env = { ...stack.gatewayEnv };
  delete env.PARTNER_CACHE_TTL;
  const log = createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent');
  const servers: { limits: 'on' | 'off'; running: RunningServer; url: string }[] = [];
  try {
    for (const limits of ['on', 'off'] as const) {
      const gw = await gateway.buildGateway(gateway.loadConfig(env), log, { limits: limits === 'on' });
      const running = await gw.listen(0);
      servers.push({ limits, running, url: `${running.url}/graphql` });
    }

    const slug = await someSlug(servers[0]!.url);
    const variables = { slug };
    // The same body as a first-party APQ registration: a trailing comment keeps its hash out of the
    // safelist (which answers its own ids to anyone), so the lookup is the registered-queries store's.
    const copy = `${one.body}\n# first-party APQ copy`;
    // A gateway-only document as heavy as PartnerProducts: the root field is skipped, so no subgraph is called.
    const gatewayOnly = many.body.replace(/\{\n {2}products\(([^)]*)\)/, '{\n  __typename\n  products($1) @skip(if: true)');
    if (gatewayOnly === many.body) throw new Error('could not build the gateway-only document from PartnerProducts');
    const cases: Case[] = [
      { name: 'text', body: { operationName: 'PartnerProduct', query: one.body, variables } },
      {
        name: 'id',
        body: { operationName: 'PartnerProduct', variables, extensions: pq(one.id) },
        headers: partner,
        versus: 'text',
      },
      { name: 'apq', body: { operationName: 'PartnerProduct', variables, extensions: pq(sha256(copy)) }, versus: 'text' },
      // The first row measured again, in the same slices: how far two identical cases differ in this run.
      { name: 'again', body: { operationName: 'PartnerProduct', query: one.body, variables }, versus: 'text' },
      // Slow on FerretDB: fewer connections, so latency is the query's rather than the queue's.
      {
        name: 'heavy',
        body: { operationName: 'PartnerProducts', variables: { first: 20 }, extensions: pq(many.id) },
        headers: partner,
        connections: 5,
        rampMs: 600,
      },
      { name: 'fresh', body: { operationName: 'PartnerProducts', query: gatewayOnly, variables: { first: 20 } }, unique: true },
    ];

    for (const s of servers) {
      await registerApq(s.url, copy, variables);
      for (const c of cases) await check(s.url, c, stack);
    }

    // Cases compared with each other are measured in alternating slices (A B C … C B A A B C …), so
    // JIT warm-up and drift in the machine's load (the load generator and the services share its
    // cores) fall on all sides alike; the median of a row's slices ignores one that met a burst.
    const results = new Map<string, Measured>();
    for (const group of [['text', 'id', 'apq', 'again'], ['heavy'], ['fresh']]) {
      const combos = group.flatMap((name) => servers.map((s) => ({ c: cases.find((x) => x.name === name)!, s })));
      say(`edge: ${group.map((g) => LABELS[g]).join('; ')} — limits on and off…`);
      const samples = new Map(combos.map(({ c, s }) => [`${c.name}/${s.limits}`, new Samples()]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? [...combos].reverse() : combos;
        for (const { c, s } of order) {
          const into = samples.get(`${c.name}/${s.limits}`)!;
          const load = {
            body: c.body,
            next: c.unique ? () => bodyOf(c, fresh++) : undefined,
            headers: c.headers,
            connections: c.connections,
            rampMs: c.rampMs ?? RAMP_MS,
          };
          const r = await slice(s.url, load, seconds / ROUNDS, into);
          if (r.errors || r.non2xx) throw new Error(`${c.name}, limits ${s.limits}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
        }
      }
      for (const [k, v] of samples) results.set(k, v.result());
    }

    say(`edge: limits on vs off one request at a time, alternating gateways, ${SERIAL} requests each…`);
    const freshCase = cases.find((x) => x.name === 'fresh')!;
    const serial: Record<string, string | number>[] = [];
    for (const [request, c] of [
      ['gateway-only PartnerProducts document, new text each request (nothing cached)', freshCase],
      ['the same document, one text (validated once, then cached)', { name: 'cached', body: freshCase.body }],
    ] as const) {
      serial.push({ request, ...(await serialPairs(servers[0]!.url, servers[1]!.url, c)) });
    }

    const load = cases.map((c) => {
      const on = results.get(`${c.name}/on`)!;
      const off = results.get(`${c.name}/off`)!;
      const vs = (limits: 'on' | 'off') => {
        const base = c.versus && results.get(`${c.versus}/${limits}`);
        return base ? (results.get(`${c.name}/${limits}`)!.requestsPerSec / base.requestsPerSec).toFixed(2) : '—';
      };
      return {
        request: LABELS[c.name]!,
        'limits on req/s': on.requestsPerSec,
        'on p50 ms': on.p50,
        'on p99 ms': on.p99,
        'limits off req/s': off.requestsPerSec,
        'off p50 ms': off.p50,
        'off p99 ms': off.p99,
        'on/off throughput': (on.requestsPerSec / off.requestsPerSec).toFixed(2),
        'vs text (on / off)': c.versus ? `${vs('on')} / ${vs('off')}` : '—',
      };
    });
    return { load, serial };
  } finally {
    for (const s of servers) await s.running.close();
  }
}

/** Printed under the table: what each row sends and how it is measured. */
export const EDGE_NOTE = [
  'Two gateways over the same subgraphs, database and partner registry, one built without the query limits (`buildGateway(…, { limits: false })`),',
  'both with the production partner-key cache (10 s). "As query text" sends the safelisted PartnerProduct body with no key (a first-party guest);',
  '"by id" is the partner call (`x-api-key`, persisted-query id, no text); "APQ hash only" is a first-party hash of the same body registered',
  'beforehand (a trailing comment keeps it out of the safelist, so the lookup is the APQ store\'s); "again" repeats the first row, so its ratio',
  'is the noise of the run. The last row sends the PartnerProducts document with its root field under `@skip(if: true)` and a new comment on',
  "every request: no subgraph is called and nothing is cached, so each request is parsed, validated and planned — the only path where the limits'",
  'validation rules run on every request (Apollo Server keeps validated documents by hash). The rows of a block are measured in alternating',
  `slices (A B … B A A B … B A, ${ROUNDS} per row and side, the first ${RAMP_MS} ms of each unmeasured), so warm-up and drift in the`,
  "machine's load fall on all of them alike; req/s is the median of a row's slices, latencies are pooled.",
  `The second table takes the limits alone: ${SERIAL} requests to each gateway one at a time, alternating between them, with nothing else`,
  'sent; the difference of the medians is what the limits add to one request on that path.',
].join(' ');

const LABELS: Record<string, string> = {
  text: 'PartnerProduct(slug) as query text, first-party',
  id: 'PartnerProduct(slug) by id, partner key',
  apq: 'PartnerProduct(slug) APQ hash only, first-party',
  again: 'PartnerProduct(slug) as query text again (A/A: the noise)',
  heavy: 'PartnerProducts(first: 20) by id, partner key, 5 connections',
  fresh: 'gateway-only PartnerProducts document, new text each request',
};

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function someSlug(url: string): Promise<string> {
  const { json } = await post(url, { query: '{ products(first: 10, sort: PRICE_ASC) { edges { node { slug } } } }' });
  const slug = json.data?.products?.edges?.[7]?.node?.slug as string | undefined;
  if (!slug) throw new Error(`no seeded products: ${JSON.stringify(json)}`);
  return slug;
}

/** Registers `query` as an APQ (after checking that its hash is unknown, i.e. not answered by the safelist). */
async function registerApq(url: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const extensions = pq(sha256(query));
  const miss = await post(url, { variables, extensions });
  if (miss.json.errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') {
    throw new Error(`APQ hash answered before registration: ${JSON.stringify(miss.json)}`);
  }
  const reg = await post(url, { query, variables, extensions });
  if (reg.status !== 200 || reg.json.errors) throw new Error(`APQ registration failed: ${JSON.stringify(reg.json)}`);
}

/** Numbers the unique query texts across all slices, so no text is ever sent twice. */
let fresh = 0;
const bodyOf = (c: Case, n: number) => (c.unique ? { ...c.body, query: `${c.body.query as string}\n# ${n}` } : c.body);

/** One request of the case answers with data, no errors; the gateway-only document reaches no subgraph. */
async function check(url: string, c: Case, stack: Stack): Promise<void> {
  const requestId = `bench-edge-${randomUUID()}`;
  const { status, json } = await post(url, bodyOf(c, -1), { ...c.headers, [REQUEST_ID_HEADER]: requestId });
  if (status !== 200 || json.errors || !json.data) throw new Error(`${c.name}: ${status} ${JSON.stringify(json).slice(0, 500)}`);
  if (c.name === 'fresh') {
    const calls = stack.productCalls.calls(requestId);
    if (calls.gateway + calls.other > 0) throw new Error('the gateway-only document reached the product subgraph');
  }
}

/**
 * What the limits add to one request, with nothing else running: requests one at a time, alternating
 * between the gateway with limits and the one without (which goes first alternates too), so both
 * see the same machine; the medians' difference is the limits' cost on that path.
 */
async function serialPairs(on: string, off: string, c: Case): Promise<Record<string, string | number>> {
  const times = { on: [] as number[], off: [] as number[] };
  const once = async (side: 'on' | 'off', n: number) => {
    const started = performance.now();
    const res = await fetch(side === 'on' ? on : off, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...c.headers },
      body: JSON.stringify(bodyOf(c, n)),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${c.name}, limits ${side}: ${res.status}`);
    times[side].push(performance.now() - started);
  };
  for (let i = 0; i < 50; i++) await once(i % 2 ? 'on' : 'off', fresh++);
  times.on.length = times.off.length = 0;
  for (let i = 0; i < SERIAL; i++) {
    for (const side of i % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) await once(side, fresh++);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [a, b] = [median(times.on), median(times.off)];
  return {
    requests: `${SERIAL} + ${SERIAL}`,
    'limits on median ms': a.toFixed(2),
    'limits off median ms': b.toFixed(2),
    'on − off µs': Math.round((a - b) * 1000),
  };
}
