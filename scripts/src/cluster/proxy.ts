/**
 * A round-robin HTTP proxy in front of the replicas of one service, as a Kubernetes Service (or any load
 * balancer) puts one: each request goes to the next replica in turn. A replica that refuses the
 * connection is skipped for `ejectMs` and the request goes to the next one (a refused connection never
 * reached it, so trying elsewhere is safe for any method); a replica that fails after taking the
 * request (killed mid-request) gets the client a 502, which the client may retry as it would any 502.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which replica serves next: round robin over those not ejected (pure; `now` is passed in). */
export class Rotation {
  private next = 0;
  private readonly ejectedUntil: number[];

  constructor(
    readonly size: number,
    private readonly ejectMs: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a rotation needs at least one upstream, got ${size}`);
    this.ejectedUntil = Array.from({ length: size }, () => 0);
  }

  /**
   * The replicas to try for one request, in order: the next healthy one first, then the other healthy
   * ones, then the ejected ones (when every replica is ejected, trying beats refusing).
   */
  order(now: number): number[] {
    const start = this.next;
    this.next = (this.next + 1) % this.size;
    const all = Array.from({ length: this.size }, (_, i) => (start + i) % this.size);
    return [...all.filter((i) => this.ejectedUntil[i]! <= now), ...all.filter((i) => this.ejectedUntil[i]! > now)];
  }

  eject(index: number, now: number): void {
    this.ejectedUntil[index] = now + this.ejectMs;
  }

  restore(index: number): void {
    this.ejectedUntil[index] = 0;
  }
}

export interface ProxyOptions {
  /** Where the proxy listens (0: any free port). */
  port: number;
  /** The replicas' ports on 127.0.0.1. */
  upstreams: readonly number[];
  /** How long a replica that refused a connection is skipped (default 1 s). */
  ejectMs?: number;
  /** Largest request body buffered for a retry on another replica (default 32 MiB; PDFs are uploaded through it). */
  maxBodyBytes?: number;
}

export interface RoundRobinProxy {
  url: string;
  port: number;
  /** Requests answered by each upstream (by its index), and those no upstream could take. */
  served: number[];
  refused: number;
  close(): Promise<void>;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) resolve(null);
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startRoundRobinProxy(opts: ProxyOptions): Promise<RoundRobinProxy> {
  const rotation = new Rotation(opts.upstreams.length, opts.ejectMs ?? 1_000);
  const served = opts.upstreams.map(() => 0);
  // A fresh connection per request: a pooled one to a replica killed meanwhile would fail after the
  // request was written, where a refused connect is known to have reached no one.
  const agent = new http.Agent({ keepAlive: false });
  const proxy = { refused: 0 };

  /** One attempt; resolves 'refused' when the connection was refused (nothing was sent), else once answered. */
  const forward = (index: number, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) =>
    new Promise<'refused' | 'done'>((resolve) => {
      const up = http.request(
        { host: '127.0.0.1', port: opts.upstreams[index], method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          served[index]!++;
          rotation.restore(index);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
          answer.on('aborted', () => res.destroy());
          answer.on('end', () => resolve('done'));
          res.on('close', () => resolve('done'));
        },
      );
      up.on('error', (err: NodeJS.ErrnoException) => {
        if (CONNECT_ERRORS.has(err.code ?? '')) {
          rotation.eject(index, Date.now());
          resolve('refused');
          return;
        }
        // The replica took the request and failed (killed mid-request): it may have acted on it.
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream failed: ${err.code ?? err.message}`);
        else res.destroy();
        resolve('done');
      });
      up.end(body);
    });

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, opts.maxBodyBytes ?? 32 * 1024 * 1024);
      if (!body) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large for the proxy');
        return;
      }
      for (const index of rotation.order(Date.now())) if ((await forward(index, req, body, res)) === 'done') return;
      proxy.refused++;
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('no upstream accepted the connection');
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  // Keep-alive connections from clients would outlive a close(); the proxy answers each request on its own.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    served,
    get refused() {
      return proxy.refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
