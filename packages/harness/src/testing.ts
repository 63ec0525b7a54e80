import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type {} from 'vitest';
import {
  CONTEXT_HEADER,
  developmentSigner,
  developmentSignerKeys,
  EDGE_SIGNER,
  SIGNER_NAMES,
  signContext,
  type Caller,
  type Signer,
  type SignerName,
} from '@shop/kit';
import { ROOT } from './paths.js';

/** What the vitest global setup provides to tests through `inject()`. */
declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    natsUrl: string;
  }
}

/**
 * Gateway settings for whatever drives load from one loopback client (tests, benches, the usage run):
 * per-IP and per-key limits far above it, where the defaults (600 and 1,200 a minute) would answer 429.
 * Tests about rate limits set their own.
 */
export const UNLIMITED_GATEWAY_RATES = { RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_KEY: '1000000' } as const;

/** A database name of its own for each test file (and each call), so files never see each other's data. */
export const testDbName = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/**
 * Services under test run on the development key pairs (their `SIGNING_KEY` / `SIGNER_KEYS` defaults
 * outside production): this is what they trust.
 */
export const TEST_SIGNER_KEYS = developmentSignerKeys();

/** The development signer of `name` (the gateway, or a service calling as itself). */
export function testSigner(name: string): Signer {
  if (!(SIGNER_NAMES as string[]).includes(name)) throw new Error(`no development signing key for "${name}"`);
  return developmentSigner(name as SignerName);
}

/** Who signs `caller` in production: the service itself, or the gateway for people and partners. */
export const signerFor = (caller: Caller): Signer => testSigner(caller.kind === 'service' ? caller.service : EDGE_SIGNER);

/** Signs `caller` as its rightful signer would (see {@link signerFor}), or as `signer`. */
export const testContext = (caller: Caller, signer: Signer = signerFor(caller)): string => signContext(signer, caller);

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

/**
 * POSTs a GraphQL operation; `caller` is signed by its rightful signer (the gateway, or the service
 * itself) unless `signer` says who signs; `headers` adds raw ones.
 */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  opts: { caller?: Caller; signer?: Signer; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.caller) headers[CONTEXT_HEADER] = testContext(opts.caller, opts.signer);
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...json };
}

/** A test's GraphQL client of one service: query, variables, and who calls (default: the client's caller). */
export type Gql = <T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read GraphQL JSON loosely
  query: string,
  variables?: Record<string, unknown>,
  caller?: Caller,
) => Promise<GraphQLResponse<T>>;

/** A {@link Gql} for the service at `url`, calling as `defaultCaller` (a guest unless said otherwise). */
export function graphqlClient(url: string, defaultCaller: Caller = GUEST): Gql {
  return (query, variables = {}, caller = defaultCaller) => postGraphQL(url, { query, variables }, { caller });
}

/** The data of a call that must succeed; fails the test on a GraphQL error. */
export async function graphqlData<T>(res: Promise<GraphQLResponse<T>>): Promise<T> {
  const r = await res;
  if (r.errors?.length || !r.data) throw new Error(JSON.stringify(r.errors ?? r));
  return r.data;
}

export const ADMIN: Caller = { kind: 'user', sub: 'admin-1', roles: ['admin'] };
export const CUSTOMER: Caller = { kind: 'user', sub: 'alice', roles: ['customer'] };
export const OTHER_CUSTOMER: Caller = { kind: 'user', sub: 'bob', roles: ['customer'] };
export const GUEST: Caller = { kind: 'guest' };
export const ORDER_SERVICE: Caller = { kind: 'service', service: 'order' };

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the project's TypeScript entry points (a CLI such as `npm run dlq` / `npm run partner`)
 * as its own Node process on the sources, the way bootstrap.mjs runs it; never throws on a non-zero exit.
 */
export function runScript(
  entry: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=shop-source', '--import', 'tsx', entry, ...args],
      { cwd: ROOT, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
