import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same request in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Identifies "the same request": method, path and body, independent of key order and whitespace. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** One stored response, as the books file keeps it. */
export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  response: StoredResponse;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

/**
 * Responses by `Idempotency-Key`, kept for the life of the process, or of the books file when there is
 * one (`saved`; the handler commits after `save`). Only requests that did something are
 * stored (a payment created, a refund made): a request refused by validation may be retried as is.
 * Callers look up and save without an `await` in between, so concurrent requests with one key cannot
 * both act (Node runs one handler at a time).
 */
export class IdempotencyStore {
  private readonly records = new Map<string, { fingerprint: string; response: StoredResponse }>();

  constructor(saved: readonly IdempotencyRecord[] = []) {
    for (const { key, fingerprint, response } of saved) this.records.set(key, { fingerprint, response: structuredClone(response) });
  }

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const record = this.records.get(key);
    if (!record) return { kind: 'new' };
    return record.fingerprint === fingerprint ? { kind: 'replay', response: record.response } : { kind: 'conflict' };
  }

  save(key: string, fingerprint: string, response: StoredResponse): void {
    this.records.set(key, { fingerprint, response: structuredClone(response) });
  }

  /** Every record, oldest first, as the books file stores them. */
  snapshot(): IdempotencyRecord[] {
    return [...this.records].map(([key, { fingerprint, response }]) => ({ key, fingerprint, response: structuredClone(response) }));
  }

  get size(): number {
    return this.records.size;
  }
}
