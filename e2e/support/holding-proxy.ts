import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTEXT_HEADER, verifyContext, type Caller, type SignerKeys } from '@shop/kit';

/** A GraphQL request the proxy received, with the caller its signed context names. */
export interface Received {
  caller?: Caller;
  body: string;
}

export interface HoldingProxy {
  /** `http://127.0.0.1:<port>/<the target's path>`: put it where the gateway expects the subgraph. */
  url: string;
  /** Every POST received, in order. */
  received: Received[];
  /** From now on, POSTs wait (counted in `held`) until `release` or `fail`. */
  hold: () => void;
  /** How many POSTs are waiting. */
  held: () => number;
  /** Forwards the waiting POSTs and stops holding. */
  release: () => void;
  /** Answers the waiting POSTs with `status` (nothing reaches the subgraph) and stops holding. */
  fail: (status: number) => void;
  close: () => Promise<void>;
}

/**
 * A loopback proxy in front of one subgraph that counts the requests the gateway sends and can hold
 * them, so a test knows that requests are concurrent (they are all waiting at once) without timing.
 */
export async function startHoldingProxy(target: string, signerKeys: SignerKeys): Promise<HoldingProxy> {
  const received: Received[] = [];
  let holding = false;
  let waiting: ((status?: number) => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = (status?: number) => {
        if (status !== undefined) {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: 'held and failed by the test proxy' }] }));
          return;
        }
        const headers = { ...req.headers, host: new URL(target).host };
        const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      };
      if (req.method !== 'POST') return forward();
      const verified = verifyContext(signerKeys, req.headers[CONTEXT_HEADER] as string | undefined);
      received.push({ caller: verified.ok ? verified.context.caller : undefined, body: body.toString('utf8') });
      if (holding) waiting.push(forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const drain = (status?: number) => {
    holding = false;
    const now = waiting;
    waiting = [];
    for (const w of now) w(status);
  };
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname}`,
    received,
    hold: () => {
      holding = true;
    },
    held: () => waiting.length,
    release: () => drain(),
    fail: (status) => drain(status),
    close: async () => {
      drain(503);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
