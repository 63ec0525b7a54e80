import { inject } from 'vitest';
import { createLogger, type RunningServer } from '@shop/kit';
import { testDbName } from '@shop/harness';
import { buildGateway, loadConfig } from '../src/lib.js';

/**
 * A gateway in this process with no subgraphs behind it: enough for the edge (limits, APQ) and for
 * `{ __typename }`, which the gateway answers itself. Returns its /graphql URL; `closeGateways` stops them.
 */
const running: RunningServer[] = [];

export async function startEdgeGateway(env: Record<string, string>): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'test',
    APOLLO_TELEMETRY_DISABLED: '1',
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: testDbName('gw_edge'),
    ...env,
  });
  const r = await (await buildGateway(config, createLogger('gateway', 'silent'))).listen(0);
  running.push(r);
  return `${r.url}/graphql`;
}

export async function closeGateways(): Promise<void> {
  for (const r of running.splice(0)) await r.close();
}

export interface Answer {
  status: number;
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POSTs a JSON body to the gateway. */
export async function post(url: string, body: object, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as object) };
}
