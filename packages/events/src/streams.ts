import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';

/** Streams of docs/design.md §5 and the subjects each one stores. */
export const STREAMS = {
  ORDERS: 'shop.order.>',
  PAYMENTS: 'shop.payment.>',
  INVOICES: 'shop.invoice.>',
  PRODUCTS: 'shop.product.>',
  DLQ: 'shop.dlq.>',
} as const;
export type StreamName = keyof typeof STREAMS;

export const DLQ_STREAM = 'DLQ' satisfies StreamName;
export const DLQ_PREFIX = 'shop.dlq.';

/** JetStream API error codes this package relies on (nats-server 2.9). */
const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;
const CONSUMER_NOT_FOUND = 10014;

const apiCode = (err: unknown) => (err instanceof JetStreamApiError ? err.code : undefined);

/** The stream that stores `subject`, by its aggregate (`shop.payment.…` → `PAYMENTS`). */
export function streamFor(subject: string): StreamName {
  if (subject.startsWith(DLQ_PREFIX)) return 'DLQ';
  if (subject.startsWith('shop.order.')) return 'ORDERS';
  if (subject.startsWith('shop.payment.')) return 'PAYMENTS';
  if (subject.startsWith('shop.invoice.')) return 'INVOICES';
  if (subject.startsWith('shop.product.')) return 'PRODUCTS';
  throw new Error(`no stream stores subject "${subject}"`);
}

/**
 * Durable consumer name `<service>--<aggregate>-<event>` (`order` + `shop.payment.succeeded.v1` →
 * `order--payment-succeeded`). Versions after v1 are suffixed (`…-v2`) so both can run side by side.
 */
export function consumerName(service: string, subject: string): string {
  const m = /^shop\.([a-z0-9-]+)\.([a-z0-9-]+)\.v(\d+)$/.exec(subject);
  if (!m) throw new Error(`"${subject}" is not an event subject (shop.<aggregate>.<event>.v<n>)`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(service) || service.includes('--')) {
    throw new Error(`service name "${service}" must be lower-case letters, digits and single dashes`);
  }
  return `${service}--${m[1]}-${m[2]}${m[3] === '1' ? '' : `-v${m[3]}`}`;
}

export interface StreamOptions {
  /** How long events stay in ORDERS/PAYMENTS/INVOICES (default 7 days). */
  maxAgeMs?: number;
  /** JetStream dedupe window for `Nats-Msg-Id` (default 10 min; at least 2 min, docs/design.md §5). */
  duplicateWindowMs?: number;
  /** How long dead letters are kept (default 30 days). */
  dlqMaxAgeMs?: number;
  /** DLQ dedupe window (default 1 day), so the safety net never copies a dead letter twice. */
  dlqDuplicateWindowMs?: number;
  /** Copies of each stream in a JetStream cluster (`NATS_STREAM_REPLICAS`, default 1; 1..5). */
  replicas?: number;
}

const DAY = 86_400_000;
const MIN_DUPLICATE_WINDOW_MS = 120_000;

export function streamConfigs(opts: StreamOptions = {}): StreamConfig[] {
  const dupe = opts.duplicateWindowMs ?? 10 * 60_000;
  const dlqDupe = opts.dlqDuplicateWindowMs ?? DAY;
  const replicas = opts.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5)
    throw new Error(`stream replicas must be an integer from 1 to 5, got ${replicas}`);
  if (dupe < MIN_DUPLICATE_WINDOW_MS || dlqDupe < MIN_DUPLICATE_WINDOW_MS) {
    throw new Error('duplicate window must be at least 2 minutes (docs/design.md §5)');
  }
  return (Object.keys(STREAMS) as StreamName[]).map((name) => {
    const dlq = name === 'DLQ';
    return {
      name,
      subjects: [STREAMS[name]],
      // Limits, not WorkQueue/Interest: several services consume the same subjects (fan-out), and a
      // stream keeps its events for replay whoever has acked them.
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(dlq ? (opts.dlqMaxAgeMs ?? 30 * DAY) : (opts.maxAgeMs ?? 7 * DAY)),
      duplicate_window: nanos(dlq ? dlqDupe : dupe),
      // Consumers inherit it (num_replicas 0 = the stream's), so a durable survives the loss of a node too.
      num_replicas: replicas,
    } as StreamConfig;
  });
}

/** The settings we manage, to decide whether an existing stream needs an update. */
const STREAM_KEYS = ['subjects', 'retention', 'storage', 'discard', 'max_age', 'duplicate_window', 'num_replicas'] as const;
const CONSUMER_KEYS = ['filter_subject', 'ack_policy', 'ack_wait', 'max_deliver', 'max_ack_pending'] as const;

function differs<T extends object>(current: T, wanted: Partial<T>, keys: readonly (keyof T)[]): boolean {
  return keys.some((k) => wanted[k] !== undefined && JSON.stringify(current[k]) !== JSON.stringify(wanted[k]));
}

/**
 * Creates the stream or brings an existing one to `cfg`. Safe to run from every service at start-up,
 * concurrently: a lost creation race (10058) falls back to the update path. Storage cannot be changed
 * by an update; the server's error says so.
 */
export async function ensureStream(jsm: JetStreamManager, cfg: StreamConfig): Promise<StreamInfo> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(cfg.name);
      return differs(info.config, cfg, STREAM_KEYS) ? await jsm.streams.update(cfg.name, cfg) : info;
    } catch (err) {
      if (apiCode(err) !== STREAM_NOT_FOUND) throw err;
    }
    try {
      return await jsm.streams.add(cfg);
    } catch (err) {
      if (apiCode(err) !== STREAM_NAME_IN_USE || attempt > 0) throw err;
    }
  }
}

/** ORDERS, PAYMENTS, INVOICES, PRODUCTS and DLQ, created or updated (idempotent). */
export async function ensureStreams(jsm: JetStreamManager, opts: StreamOptions = {}): Promise<StreamInfo[]> {
  const out: StreamInfo[] = [];
  for (const cfg of streamConfigs(opts)) out.push(await ensureStream(jsm, cfg));
  return out;
}

export interface ConsumerOptions {
  durable: string;
  /** The one subject this consumer reads (nats-server 2.9 allows one filter subject). */
  subject: string;
  /** Defaults to the stream that stores `subject`. */
  stream?: string;
  /** Deliveries before the message is dead-lettered (the consumer loop and the server agree on it). */
  maxDeliver: number;
  /** Unacked messages the server hands out; messages waiting for a nak delay count too (default 1000). */
  maxAckPending?: number;
  /** Redelivery after this long without ack/nak/working (default 30 s). */
  ackWaitMs?: number;
  /** Where a new consumer starts (default: every event still in the stream). */
  deliverPolicy?: DeliverPolicy;
}

export function consumerConfig(opts: ConsumerOptions): Partial<ConsumerConfig> & { durable_name: string } {
  if (!Number.isInteger(opts.maxDeliver) || opts.maxDeliver < 1) throw new Error('maxDeliver must be an integer ≥ 1');
  return {
    durable_name: opts.durable,
    filter_subject: opts.subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: opts.deliverPolicy ?? DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    max_deliver: opts.maxDeliver,
    max_ack_pending: opts.maxAckPending ?? 1_000,
  };
}

/**
 * Creates the durable pull consumer or updates the settings we manage (filter, ack wait, max deliver,
 * max ack pending). Deliver policy only applies at creation.
 */
export async function ensureConsumer(jsm: JetStreamManager, opts: ConsumerOptions): Promise<ConsumerInfo> {
  const stream = opts.stream ?? streamFor(opts.subject);
  const cfg = consumerConfig(opts);
  try {
    const info = await jsm.consumers.info(stream, opts.durable);
    if (!differs(info.config, cfg, CONSUMER_KEYS)) return info;
    const { durable_name: _name, deliver_policy: _dp, replay_policy: _rp, ...update } = cfg;
    return await jsm.consumers.update(stream, opts.durable, update);
  } catch (err) {
    if (apiCode(err) !== CONSUMER_NOT_FOUND) throw err;
  }
  // Creating a consumer that exists with the same config succeeds, so a concurrent start is harmless.
  return jsm.consumers.add(stream, cfg);
}
