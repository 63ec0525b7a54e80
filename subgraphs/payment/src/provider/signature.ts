/** The provider's webhook signature scheme: the provider signs every delivery, the receiver verifies it. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Carries `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` on every webhook. */
export const SIGNATURE_HEADER = 'sandbox-signature';
/** The event id (`evt_…`), the same on every delivery of one event: receivers dedupe on it. */
export const EVENT_ID_HEADER = 'sandbox-event-id';
/** Which delivery attempt this is (1, 2, …), for logs only. */
export const DELIVERY_ATTEMPT_HEADER = 'sandbox-delivery-attempt';
/** How far a webhook's timestamp may be from the receiver's clock, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const MAX_HEADER_LENGTH = 1024;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

function hmac(secret: string, timestamp: number, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The `Sandbox-Signature` value for `rawBody` at `timestamp` (unix seconds). */
export function signWebhookPayload(
  secret: string,
  rawBody: string | Uint8Array,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody).toString('hex')}`;
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Verifies a webhook before anything reads it (docs/design.md §7): `header` is the `Sandbox-Signature`
 * value, `rawBody` the exact bytes received (not re-serialised JSON). Checks the format, then the MAC in
 * constant time, then that the timestamp is within `toleranceSeconds` of `now` (ms) either way, so a
 * captured delivery cannot be replayed later. Several `v1=` entries are allowed (any one may match).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | null | undefined,
  rawBody: string | Uint8Array,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): WebhookVerification {
  if (header === undefined || header === null || header === '') return { ok: false, reason: 'missing signature' };
  if (Array.isArray(header)) return { ok: false, reason: 'malformed signature' };
  if (header.length > MAX_HEADER_LENGTH) return { ok: false, reason: 'malformed signature' };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed signature' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return { ok: false, reason: 'malformed signature' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return { ok: false, reason: 'malformed signature' };
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, future versions) are ignored, as a receiver should.
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed signature' };
  const expected = hmac(secret, timestamp, rawBody);
  // Compare against every candidate without stopping early, so timing says nothing about which matched.
  let matched = false;
  for (const candidate of signatures) matched = timingSafeEqual(candidate, expected) || matched;
  if (!matched) return { ok: false, reason: 'bad signature' };
  const age = Math.floor(now / 1000) - timestamp;
  if (age > toleranceSeconds) return { ok: false, reason: 'timestamp too old' };
  if (-age > toleranceSeconds) return { ok: false, reason: 'timestamp in the future' };
  return { ok: true, timestamp };
}
