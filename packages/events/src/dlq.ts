import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, MsgRequest, PubAck, StoredMsg } from '@nats-io/jetstream';
import { decodeEvent, EventValidationError, isEventSubject } from './contracts.js';
import { HEADERS, headerValue, type DeadLetterKind } from './headers.js';
import { DLQ_PREFIX, DLQ_STREAM } from './streams.js';

/**
 * Dead letters (docs/design.md §5). A consumer that gives up on a message publishes a copy of it, bytes
 * unchanged, on `shop.dlq.<original subject>` with headers saying who gave up, why and after how many
 * deliveries, then terminates the original. The copy's `Nats-Msg-Id` is
 * `dlq:<stream>:<seq>:<consumer>`: the in-worker path and the max-deliveries safety net produce the same
 * id, so the DLQ stream's dedupe keeps one copy. The consumer is part of the id because streams fan
 * out: two services may both dead-letter the same stream message, and each needs its own copy.
 *
 * Redrive republishes the original bytes on the original subject with a new msgID
 * `redrive:<dlq seq>:<event id>` (the original msgID could still be inside the duplicate window and
 * would be dropped), then deletes the dead letter. Every consumer of that subject sees the event again,
 * not only the one that failed: that is safe because consumers are idempotent by event id — each
 * records the event id in the same write as its effect (docs/design.md §6), so those that already
 * processed it find the duplicate and ack. A crash between republish and delete leaves the dead letter
 * in place; redriving it again is deduplicated by JetStream (same msgID) or by the consumers.
 */

export const dlqSubject = (originalSubject: string) => `${DLQ_PREFIX}${originalSubject}`;
export const dlqMsgId = (stream: string, seq: number, consumer: string) => `dlq:${stream}:${seq}:${consumer}`;
export const redriveMsgId = (dlqSeq: number, eventId: string) => `redrive:${dlqSeq}:${eventId}`;

/** Headers of the original message we do not carry over (JetStream's own). */
const DROPPED_ON_COPY = new Set(['nats-msg-id', 'nats-expected-stream', 'nats-expected-last-msg-id', 'nats-expected-last-sequence']);

export interface DeadLetterInput {
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs | undefined;
  stream: string;
  seq: number;
  consumer: string;
  deliveryCount: number;
  kind: DeadLetterKind;
  reason: string;
}

/** Publishes the dead-letter copy. `duplicate: true` in the ack means it was already there. */
export async function publishDeadLetter(js: JetStreamClient, d: DeadLetterInput, timeout = 5_000): Promise<PubAck> {
  const h = natsHeaders();
  if (d.headers) {
    for (const [key, values] of d.headers) {
      if (DROPPED_ON_COPY.has(key.toLowerCase())) continue;
      for (const v of values) h.append(key, v);
    }
  }
  const originalId = d.headers?.get(HEADERS.msgId);
  if (originalId) h.set(HEADERS.originalMsgId, originalId);
  h.set(HEADERS.error, headerValue(d.reason));
  h.set(HEADERS.errorKind, d.kind);
  h.set(HEADERS.consumer, d.consumer);
  h.set(HEADERS.deliveryCount, String(d.deliveryCount));
  h.set(HEADERS.originalSubject, d.subject);
  h.set(HEADERS.originalStream, d.stream);
  h.set(HEADERS.originalSeq, String(d.seq));
  h.set(HEADERS.failedAt, new Date().toISOString());
  return js.publish(dlqSubject(d.subject), d.data, { msgID: dlqMsgId(d.stream, d.seq, d.consumer), headers: h, timeout });
}

export interface DeadLetter {
  /** Sequence in the DLQ stream: the id to show or redrive. */
  seq: number;
  originalSubject: string;
  consumer: string;
  error: string;
  kind: string;
  deliveryCount: number;
  /** When it was dead-lettered (stored time of the copy). */
  time: Date;
  originalStream: string;
  originalSeq: number | null;
  /** The original `Nats-Msg-Id`, i.e. the event id. */
  eventId: string;
  correlationId: string;
  headers: Record<string, string[]>;
  /** The original body as text (UTF-8), unchanged. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export class DeadLetterNotFoundError extends Error {
  constructor(readonly seq: number) {
    super(`no dead letter with sequence ${seq} in the ${DLQ_STREAM} stream`);
    this.name = 'DeadLetterNotFoundError';
  }
}

export class RedriveRefusedError extends Error {
  constructor(
    readonly seq: number,
    reason: string,
  ) {
    super(`dead letter ${seq} cannot be redriven: ${reason}`);
    this.name = 'RedriveRefusedError';
  }
}

function toDeadLetter(sm: StoredMsg): DeadLetter {
  const hdrs: Record<string, string[]> = {};
  for (const [k, v] of sm.header ?? []) hdrs[k] = v;
  const get = (k: string) => sm.header?.get(k) ?? '';
  const body = new TextDecoder().decode(sm.data);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const seqText = get(HEADERS.originalSeq);
  const bodyId = (json as { id?: unknown } | undefined)?.id;
  return {
    seq: sm.seq,
    originalSubject: get(HEADERS.originalSubject) || sm.subject.slice(DLQ_PREFIX.length),
    consumer: get(HEADERS.consumer),
    error: get(HEADERS.error),
    kind: get(HEADERS.errorKind),
    deliveryCount: Number(get(HEADERS.deliveryCount)) || 0,
    time: sm.time,
    originalStream: get(HEADERS.originalStream),
    originalSeq: seqText ? Number(seqText) : null,
    eventId: get(HEADERS.originalMsgId) || (typeof bodyId === 'string' ? bodyId : ''),
    correlationId: get(HEADERS.correlationId),
    headers: hdrs,
    body,
    json,
  };
}

export interface ListOptions {
  /** First DLQ sequence to look at (default the beginning). */
  fromSeq?: number;
  /** At most this many (default 1000). */
  limit?: number;
  /** Only dead letters of this consumer. */
  consumer?: string;
}

/** Dead letters oldest first; skips the gaps left by redriven (deleted) ones. */
export async function listDeadLetters(jsm: JetStreamManager, opts: ListOptions = {}): Promise<DeadLetter[]> {
  const limit = opts.limit ?? 1_000;
  const out: DeadLetter[] = [];
  let seq = Math.max(1, opts.fromSeq ?? 1);
  while (out.length < limit) {
    // STREAM.MSG.GET takes `next_by_subj` on nats-server 2.9 (checked on 2.9.10); nats.js types it for
    // direct get only, and the DLQ stream does not enable direct get.
    const next = { seq, next_by_subj: `${DLQ_PREFIX}>` } as unknown as MsgRequest;
    const sm = await jsm.streams.getMessage(DLQ_STREAM, next);
    if (!sm) break;
    const dl = toDeadLetter(sm);
    if (!opts.consumer || dl.consumer === opts.consumer) out.push(dl);
    seq = sm.seq + 1;
  }
  return out;
}

export async function getDeadLetter(jsm: JetStreamManager, seq: number): Promise<DeadLetter> {
  const sm = await jsm.streams.getMessage(DLQ_STREAM, { seq });
  if (!sm || !sm.subject.startsWith(DLQ_PREFIX)) throw new DeadLetterNotFoundError(seq);
  return toDeadLetter(sm);
}

export interface RedriveResult {
  dlqSeq: number;
  subject: string;
  eventId: string;
  msgId: string;
  /** Where the republished copy landed. */
  stream: string;
  seq: number;
  duplicate: boolean;
}

/**
 * Republishes a dead letter on its original subject and deletes it from the DLQ. Refuses a body that
 * breaks the current contract: every consumer would reject it again (fix the publisher instead).
 */
export async function redriveDeadLetter(jsm: JetStreamManager, js: JetStreamClient, seq: number): Promise<RedriveResult> {
  const sm = await jsm.streams.getMessage(DLQ_STREAM, { seq });
  if (!sm || !sm.subject.startsWith(DLQ_PREFIX)) throw new DeadLetterNotFoundError(seq);
  const dl = toDeadLetter(sm);
  const subject = dl.originalSubject;
  if (!isEventSubject(subject)) throw new RedriveRefusedError(seq, `"${subject}" is not a known event subject`);
  let eventId: string;
  try {
    eventId = decodeEvent(subject, sm.data).id;
  } catch (err) {
    const why = err instanceof EventValidationError ? err.issues.join('; ') : String(err);
    throw new RedriveRefusedError(seq, `the payload breaks the ${subject} contract (${why})`);
  }
  const h = natsHeaders();
  for (const [key, values] of sm.header ?? []) {
    const k = key.toLowerCase();
    if (k.startsWith('shop-') && k !== HEADERS.correlationId.toLowerCase()) continue;
    if (DROPPED_ON_COPY.has(k)) continue;
    for (const v of values) h.append(key, v);
  }
  h.set(HEADERS.redrivenFrom, String(seq));
  const msgId = redriveMsgId(seq, eventId);
  const ack = await js.publish(subject, sm.data, { msgID: msgId, headers: h, timeout: 5_000 });
  // no erase: a plain delete is enough, the body is not secret
  await jsm.streams.deleteMessage(DLQ_STREAM, seq, false);
  return { dlqSeq: seq, subject, eventId, msgId, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}
