import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { backoffDelay, inSpanFrom, markSpanFailed, secondsSince, SpanKind, type Logger } from '@shop/kit';
import { decodeEvent, EventValidationError, type EventEnvelope, type EventSubject } from './contracts.js';
import { publishDeadLetter } from './dlq.js';
import { HEADERS, type DeadLetterKind } from './headers.js';
import { classifyFailure } from './classify.js';
import { checkRetryPolicy, retryDelayMs, type RetryPolicy } from './retry.js';
import { startMaxDeliveriesListener, type SafetyNet } from './safety-net.js';
import { ensureConsumer, streamFor } from './streams.js';
import { eventMetrics, watchConsumer } from './metrics.js';

/** What a handler knows about the delivery besides the event. */
export interface MessageMeta {
  subject: string;
  stream: string;
  /** Stream sequence of the message. */
  seq: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  consumer: string;
  correlationId: string;
  /** Extends the ack deadline. Called for you every ackWait/3 while the handler runs. */
  working(): void;
  /** Aborted when the handler's deadline passes: pass it to calls that accept one. */
  signal: AbortSignal;
}

export type EventHandler<S extends EventSubject> = (event: EventEnvelope<S>, meta: MessageMeta) => Promise<void>;

export interface StartConsumerOptions<S extends EventSubject> {
  nc: NatsConnection;
  subject: S;
  /** `<service>--<event>`, see `consumerName`. */
  durable: string;
  /** Defaults to the stream that stores `subject`. */
  stream?: string;
  handler: EventHandler<S>;
  /** Messages handled at once (default 1). */
  concurrency?: number;
  retry: RetryPolicy;
  log: Logger;
  /** Ack wait of the consumer (default 30 s); long handlers are kept alive with `working()`. */
  ackWaitMs?: number;
  /** Deadline of one handler run (default 2 min): past it the delivery is nak'd as a transient failure. */
  handlerTimeoutMs?: number;
  maxAckPending?: number;
  /** Where a newly created consumer starts (default all). */
  deliverPolicy?: DeliverPolicy;
  /** Create or update the durable consumer first (default true). When false it must exist with `max_deliver = retry.maxDeliver`. */
  provision?: boolean;
}

export interface ConsumerStats {
  acked: number;
  retried: number;
  deadLettered: number;
  /** Deliveries given up on at the handler deadline (also counted in `retried` or `deadLettered`). */
  timedOut: number;
  inFlight: number;
}

export interface RunningConsumer {
  /** The durable consumer's name. */
  readonly name: string;
  /** Stops pulling, finishes the messages already received, then stops the safety net. Drain NATS after. */
  stop(): Promise<void>;
  /** Settles when the loop ends: after stop(), or earlier if the subscription fails (treat that as fatal). */
  readonly done: Promise<void>;
  stats(): ConsumerStats;
}

/**
 * A durable pull consumer loop with explicit acks (docs/design.md §5):
 * - the body is decoded and validated against the subject's contract; a breach is dead-lettered at once;
 * - a handler error that `classifyFailure` calls permanent is dead-lettered at once;
 * - a transient one is retried with `nak(delay)`, the delay doubling from `baseDelayMs` up to `maxDelayMs`;
 * - a handler still running at its deadline is a transient failure: its signal is aborted, the
 *   keep-alive stops and the message is nak'd (the run is abandoned, its outcome only logged);
 * - the last allowed delivery that fails is dead-lettered, then terminated;
 * - a max-deliveries advisory listener catches what ran out of deliveries without a decision;
 * - a deleted consumer or stream ends the loop (`done` settles): the service treats that as fatal.
 * At most `concurrency` handlers run; no more than that many messages are pulled ahead.
 * Delivery is at least once: handlers must be idempotent by event id (docs/design.md §6).
 */
export async function startConsumer<S extends EventSubject>(opts: StartConsumerOptions<S>): Promise<RunningConsumer> {
  const { nc, subject, durable, handler } = opts;
  const retry = checkRetryPolicy(opts.retry);
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be an integer ≥ 1');
  const handlerTimeoutMs = opts.handlerTimeoutMs ?? 120_000;
  if (!(handlerTimeoutMs > 0)) throw new Error('handlerTimeoutMs must be > 0');
  const stream = opts.stream ?? streamFor(subject);
  const log = opts.log.child({ consumer: durable, subject });
  const js: JetStreamClient = jetstream(nc);
  const jsm = await jetstreamManager(nc);

  const info =
    opts.provision === false
      ? await jsm.consumers.info(stream, durable)
      : await ensureConsumer(jsm, {
          stream,
          durable,
          subject,
          maxDeliver: retry.maxDeliver,
          ackWaitMs: opts.ackWaitMs,
          maxAckPending: opts.maxAckPending,
          deliverPolicy: opts.deliverPolicy,
        });
  if (info.config.max_deliver !== retry.maxDeliver) {
    throw new Error(`consumer ${durable} has max_deliver ${info.config.max_deliver}, but the retry policy says ${retry.maxDeliver}`);
  }
  if (info.config.filter_subject !== subject) {
    throw new Error(`consumer ${durable} filters "${info.config.filter_subject ?? ''}", not "${subject}"`);
  }
  const ackWaitMs = Math.max(1, Math.floor((info.config.ack_wait ?? 30e9) / 1e6));

  // Listening before pulling: after a crash, the advisory comes when we pull again (see safety-net.ts).
  const safetyNet: SafetyNet = startMaxDeliveriesListener({ nc, js, jsm, stream, consumer: durable, log });

  const stats = { acked: 0, retried: 0, deadLettered: 0, timedOut: 0 };
  const inflight = new Set<Promise<void>>();

  async function deadLetter(m: JsMsg, kind: DeadLetterKind, reason: string, mlog: Logger): Promise<void> {
    const input = {
      subject: m.subject,
      data: m.data,
      headers: m.headers,
      stream,
      seq: m.seq,
      consumer: durable,
      deliveryCount: m.info.deliveryCount,
      kind,
      reason,
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const ack = await publishDeadLetter(js, input);
        markSpanFailed(`dead-lettered (${kind}): ${reason}`);
        m.term();
        stats.deadLettered++;
        eventMetrics.handled(subject, 'dead_lettered');
        mlog.error({ kind, reason, dlqSeq: ack.seq }, 'message dead-lettered');
        return;
      } catch (err) {
        mlog.warn({ err, attempt }, 'could not publish the dead letter');
        m.working();
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseMs: 100 })));
      }
    }
    // Leave it to JetStream: redelivered later, or caught by the max-deliveries safety net.
    m.nak(retryDelayMs(m.info.deliveryCount, retry));
    mlog.error({ kind, reason }, 'dead-lettering failed; message released for redelivery');
  }

  async function failed(m: JsMsg, err: unknown, mlog: Logger): Promise<void> {
    const failure = classifyFailure(err);
    const reason = err instanceof Error ? err.message : String(err);
    if (failure.kind === 'permanent') {
      mlog.warn({ err, failure: failure.reason }, 'permanent failure');
      return deadLetter(m, err instanceof EventValidationError ? 'invalid' : 'permanent', reason, mlog);
    }
    const deliveryCount = m.info.deliveryCount;
    if (deliveryCount >= retry.maxDeliver) {
      mlog.warn({ err, failure: failure.reason }, 'retry budget spent');
      return deadLetter(m, 'exhausted', `failed ${deliveryCount} deliveries; last error: ${reason}`, mlog);
    }
    const delay = retryDelayMs(deliveryCount, retry);
    markSpanFailed(reason);
    m.nak(delay);
    stats.retried++;
    eventMetrics.handled(subject, 'retried');
    mlog.warn({ err, failure: failure.reason, delayMs: delay }, 'handler failed; retrying later');
  }

  async function handle(m: JsMsg): Promise<void> {
    const start = process.hrtime.bigint();
    try {
      await decide(m);
    } finally {
      eventMetrics.handlerTime(subject, secondsSince(start));
    }
  }

  async function decide(m: JsMsg): Promise<void> {
    const deliveryCount = m.info.deliveryCount;
    const headerCorrelation = m.headers?.get(HEADERS.correlationId) ?? '';
    let mlog = log.child({ seq: m.seq, deliveryCount, msgId: m.headers?.get(HEADERS.msgId) });
    let event: EventEnvelope<S>;
    try {
      event = decodeEvent(subject, m.data);
    } catch (err) {
      return deadLetter(m, 'invalid', (err as Error).message, mlog);
    }
    const correlationId = headerCorrelation || event.correlationId;
    mlog = mlog.child({ eventId: event.id, correlationId });
    const deadline = new AbortController();
    const meta: MessageMeta = {
      subject: m.subject,
      stream,
      seq: m.seq,
      deliveryCount,
      consumer: durable,
      correlationId,
      working: () => m.working(),
      signal: deadline.signal,
    };
    const keepAlive = setInterval(() => m.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HandlerTimeoutError(handlerTimeoutMs)), handlerTimeoutMs);
    });
    const run = Promise.resolve().then(() => handler(event, meta));
    try {
      await Promise.race([run, expired]);
    } catch (err) {
      if (err instanceof HandlerTimeoutError) {
        deadline.abort(err);
        stats.timedOut++;
        eventMetrics.timedOut(subject);
        // The abandoned run may still settle; its outcome no longer decides anything.
        run.then(
          () => mlog.warn('a handler abandoned at its deadline finished later'),
          (late: unknown) => mlog.warn({ err: late }, 'a handler abandoned at its deadline failed later'),
        );
      }
      return failed(m, err, mlog);
    } finally {
      clearInterval(keepAlive);
      clearTimeout(timer);
    }
    m.ack();
    stats.acked++;
    eventMetrics.handled(subject, 'acked');
  }

  // Every delivery's span is a child of the publish that the message's `traceparent` names, redeliveries
  // included (docs/design.md §11): the attempts of one purchase stay in its one trace.
  // An unsampled trace's delivery is handled untraced, and says so to whatever the handler calls.
  const traced = (m: JsMsg) =>
    inSpanFrom(
      { traceparent: m.headers?.get('traceparent'), tracestate: m.headers?.get('tracestate') },
      `${subject} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.consumer.group.name': durable,
          'messaging.delivery_count': m.info.deliveryCount,
        },
      },
      () => handle(m),
    );

  const consumer = await js.consumers.get(stream, durable);
  const unwatch = watchConsumer(jsm, stream, durable);
  // Pulls are issued as the iterator advances, so pulling `concurrency` at a time and waiting for a
  // free slot before taking the next message keeps at most ~2×concurrency messages unacked here.
  // A deleted consumer or stream ends the iterator instead of being waited for silently; the service
  // exits and its restart provisions the consumer again.
  const messages = await consumer.consume({ max_messages: concurrency, abort_on_missing_resource: true });
  void (async () => {
    for await (const s of messages.status()) {
      if (
        s.type === 'heartbeats_missed' ||
        s.type === 'consumer_not_found' ||
        s.type === 'stream_not_found' ||
        s.type === 'consumer_deleted'
      ) {
        log.warn({ status: s }, 'consumer status');
      }
    }
  })().catch(() => {});

  const done = (async () => {
    try {
      for await (const m of messages) {
        while (inflight.size >= concurrency) await Promise.race(inflight);
        const p: Promise<void> = traced(m)
          .catch((err: unknown) => log.error({ err, seq: m.seq }, 'unexpected error while handling a message'))
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
    } catch (err) {
      log.error({ err }, 'consumer loop ended with an error');
      throw err;
    } finally {
      await Promise.allSettled(inflight);
    }
  })();
  done.catch(() => {});

  let stopping: Promise<void> | null = null;
  return {
    name: durable,
    done,
    stats: () => ({ ...stats, inFlight: inflight.size }),
    stop() {
      stopping ??= (async () => {
        await messages.close();
        await done.catch(() => {});
        await safetyNet.stop();
        unwatch();
      })();
      return stopping;
    },
  };
}

/** A handler run that outlived its deadline; classified as a transient failure ("timed out"). */
export class HandlerTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`handler still running after its ${timeoutMs} ms deadline`);
    this.name = 'TimeoutError';
  }
}
