import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@shop/kit';

/**
 * A shop client as a careful real one behaves: every request has a timeout; what may succeed later
 * (no connection, a timeout, 429 with Retry-After, 502/503/504, a GraphQL error that does not say the
 * request is wrong) is sent again with the same body — mutations carry idempotency keys, so a repeat is
 * safe — with a growing pause, until the retry budget is spent. Each transient failure is recorded.
 */
export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

export interface Answer<T> {
  data?: T;
  errors?: GraphQLError[];
}

export interface ClientOptions {
  url: string;
  /** How long one request may take. */
  requestTimeoutMs: number;
  /** How long one call keeps retrying transient failures before it gives up. */
  retryBudgetMs: number;
  /** Called with each transient failure seen (and retried). */
  onRetry: (what: string, error: string) => void;
  headers?: Record<string, string>;
}

/** Errors that say the request itself is wrong: sending it again cannot help. Any other error is retried. */
const PERMANENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'FORBIDDEN',
  'UNAUTHENTICATED',
]);
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

export class TransientFailure extends Error {}

/** A GraphQL answer or a failure a client cannot act on (it is returned, not thrown, so the caller decides). */
export class ShopClient {
  constructor(private readonly opts: ClientOptions) {}

  async call<T>(what: string, query: string, variables: Record<string, unknown>): Promise<Answer<T>> {
    const deadline = Date.now() + this.opts.retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      let waitMs = backoffDelay(attempt, { baseMs: 1_000, maxMs: 8_000 });
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.opts.headers },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
        });
        const text = await res.text();
        const body = parseJson<Answer<T>>(text);
        const codes = (body?.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
        const transient = !body || TRANSIENT_STATUS.has(res.status) || codes.some((c) => !PERMANENT_CODES.has(c));
        if (!transient) return body;
        failure = `HTTP ${res.status} ${codes.join(',') || text.slice(0, 120)}`;
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = retryAfter * 1_000;
      } catch (err) {
        failure = describeFetchError(err);
      }
      if (Date.now() + waitMs > deadline) throw new TransientFailure(`${what}: gave up after ${attempt + 1} attempts: ${failure}`);
      this.opts.onRetry(what, failure);
      await sleep(waitMs);
    }
  }

  /** A plain GET as a browser makes it (the 3-D Secure page): retried like a call; returns the status. */
  async open(what: string, url: string): Promise<number> {
    const deadline = Date.now() + this.opts.retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.requestTimeoutMs) });
        await res.arrayBuffer();
        if (!TRANSIENT_STATUS.has(res.status)) return res.status;
        failure = `HTTP ${res.status}`;
      } catch (err) {
        failure = describeFetchError(err);
      }
      const waitMs = backoffDelay(attempt, { baseMs: 1_000, maxMs: 8_000 });
      if (Date.now() + waitMs > deadline) throw new TransientFailure(`${what}: gave up after ${attempt + 1} attempts: ${failure}`);
      this.opts.onRetry(what, failure);
      await sleep(waitMs);
    }
  }
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  if (err.name === 'TimeoutError') return 'request timed out';
  return cause?.code ?? cause?.message ?? err.message;
}
