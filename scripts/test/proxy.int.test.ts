import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@shop/harness';
import { startRoundRobinProxy, type RoundRobinProxy } from '../src/cluster/proxy.js';

/** A replica that answers its name and the body it received. */
async function replica(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.writeHead(200, { 'x-replica': name }).end(`${name}:${req.method}:${Buffer.concat(chunks).toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
const closing = (s: http.Server) => () =>
  new Promise<void>((resolve) => {
    s.close(() => resolve());
    s.closeAllConnections();
  });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function proxyOver(ports: number[], ejectMs = 60_000): Promise<RoundRobinProxy> {
  const proxy = await startRoundRobinProxy({ port: 0, upstreams: ports, ejectMs });
  cleanup.push(() => proxy.close());
  return proxy;
}

const post = async (url: string, body: string) => {
  const res = await fetch(url, { method: 'POST', body });
  return { status: res.status, text: await res.text() };
};

describe('the round-robin proxy', () => {
  it('alternates between the replicas and passes the method, body and answer through', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    cleanup.push(closing(a), closing(b));
    const proxy = await proxyOver([portOf(a), portOf(b)]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await post(`${proxy.url}/graphql`, `n${i}`)).text);
    expect(answers).toEqual(['a:POST:n0', 'b:POST:n1', 'a:POST:n2', 'b:POST:n3']);
    expect(proxy.served).toEqual([2, 2]);
  });

  it('sends every request to the live replica while the other refuses connections, the POST body included', async () => {
    const live = await replica('live');
    cleanup.push(closing(live));
    const dead = await freePort(); // nothing listens there: connections are refused
    const proxy = await proxyOver([dead, portOf(live)]);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(`${proxy.url}/x`, `body${i}`));
    expect(answers).toEqual([0, 1, 2].map((i) => ({ status: 200, text: `live:POST:body${i}` })));
    expect(proxy.served).toEqual([0, 3]);
  });

  it('answers 503 when no replica accepts the connection', async () => {
    const proxy = await proxyOver([await freePort(), await freePort()]);
    const res = await fetch(`${proxy.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(proxy.refused).toBe(1);
  });

  it('answers 502, without trying another replica, when the replica dies after taking the request', async () => {
    let taken = 0;
    const dying = http.createServer((req) => {
      taken++;
      req.socket.destroy(); // killed mid-request: it may have acted on it
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    const other = await replica('other');
    cleanup.push(closing(dying), closing(other));
    const proxy = await proxyOver([portOf(dying), portOf(other)]);
    const first = await post(`${proxy.url}/pay`, 'once');
    expect(first.status).toBe(502);
    expect(taken).toBe(1);
    expect(proxy.served).toEqual([0, 0]);
    expect((await post(`${proxy.url}/pay`, 'twice')).text).toBe('other:POST:twice');
  });
});
