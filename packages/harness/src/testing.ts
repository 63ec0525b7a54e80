import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type {} from 'vitest';
import { CONTEXT_HEADER, signContext, type Caller } from '@shop/kit';
import { ROOT } from './paths.js';

/** What the vitest global setup provides to tests through `inject()`. */
declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    natsUrl: string;
  }
}

/** A database name of its own for each test file (and each call), so files never see each other's data. */
export const testDbName = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

export const TEST_SIGNING_SECRET = 'test-only-gateway-signing-secret';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

/** POSTs a GraphQL operation; `caller` signs the context the way the gateway would, `headers` adds raw ones. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  opts: { caller?: Caller; secret?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.caller) headers[CONTEXT_HEADER] = signContext(opts.secret ?? TEST_SIGNING_SECRET, opts.caller);
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...json };
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
