import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import { currentTraceCarrier, detachedFromTrace, inSpanFrom, SpanKind, type Logger } from '@shop/kit';
import { parseAnyEvent, type AnyEvent } from './contracts.js';
import { HEADERS } from './headers.js';
import { outboxMetrics } from './metrics.js';
import type { OutboxEntry, OutboxStore } from './outbox-store.js';

export * from './outbox-store.js';

// The outbox relay of docs/design.md §6: publishes what the stores of outbox-store.ts hold (see there).

export interface OutboxRelayOptions {
  store: OutboxStore;
  js: JetStreamClient;
  log: Logger;
  /** Poll interval when nothing kicks the relay (default 1 s). */
  intervalMs?: number;
  /** Records per read (default 100). */
  batch?: number;
  /** PubAck timeout (default 5 s). */
  publishTimeoutMs?: number;
  /** The `outbox` label of its metrics (default `outbox`). */
  name?: string;
}

export interface OutboxRelayStats {
  published: number;
  /** Records taken out of the outbox because their event breaks its contract. */
  quarantined: number;
}

export interface OutboxRelay {
  stats(): OutboxRelayStats;
  /** Publish soon, without waiting for the next poll (call after writing a record). */
  kick(): void;
  /** Resolves when a pass found nothing left to publish; rejects after `timeoutMs` (default 30 s). */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops polling and waits for the batch in flight to finish (published records get marked). */
  stop(): Promise<void>;
}

/**
 * Publishes pending outbox records in order. A publish failure (NATS down, no stream) ends the pass and
 * the next one retries from the same record, so records never overtake each other. A record whose event
 * breaks its contract is quarantined (see above) and the pass goes on with the records behind it.
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { store, js, log } = opts;
  const intervalMs = opts.intervalMs ?? 1_000;
  const batch = opts.batch ?? 100;
  const timeout = opts.publishTimeoutMs ?? 5_000;
  const name = opts.name ?? 'outbox';

  let stopped = false;
  let running: Promise<boolean> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  const stats: OutboxRelayStats = { published: 0, quarantined: 0 };

  async function publish(entry: OutboxEntry): Promise<void> {
    let event: AnyEvent;
    try {
      event = parseAnyEvent(entry.event);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await store.quarantine(entry.id, reason);
      stats.quarantined++;
      outboxMetrics.quarantined(name);
      log.error({ outboxId: entry.id, reason, quarantined: stats.quarantined }, 'outbox record does not hold a valid event; quarantined');
      return;
    }
    const h = natsHeaders();
    h.set(HEADERS.correlationId, event.correlationId);
    h.set('Content-Type', 'application/json');
    // The publish continues the writer's trace and hands its own context on to the consumers (a record
    // of an unsampled trace is published untraced, and hands "not sampled" on).
    const ack = await inSpanFrom(
      entry.trace,
      `${event.type} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'nats', 'messaging.message.id': event.id },
      },
      () => {
        const carrier = currentTraceCarrier();
        if (carrier?.traceparent) h.set('traceparent', carrier.traceparent);
        if (carrier?.tracestate) h.set('tracestate', carrier.tracestate);
        return js.publish(event.type, JSON.stringify(event), { msgID: event.id, headers: h, timeout });
      },
    );
    log.debug({ eventId: event.id, subject: event.type, seq: ack.seq, duplicate: ack.duplicate }, 'event published');
    await store.markPublished(entry.id);
    stats.published++;
    outboxMetrics.published(name);
  }

  let adopted = false;

  /** One pass over the backlog; true when it ended with nothing pending. */
  async function pass(): Promise<boolean> {
    if (!adopted && store.adopt) {
      const n = await store.adopt();
      if (n > 0) log.info({ adopted: n }, 'outbox records written before the unpublished flag will be published');
    }
    adopted = true;
    for (;;) {
      const entries = await store.pending(batch);
      outboxMetrics.read(name, entries.length, occurredAt(entries[0]));
      // A batch once read is finished even when stop() is called meanwhile.
      for (const entry of entries) await publish(entry);
      if (entries.length < batch) {
        outboxMetrics.drained(name);
        return true;
      }
      if (stopped) return false;
    }
  }

  function run(): Promise<boolean> {
    if (running) {
      again = true;
      return running;
    }
    // Detached: a kick comes from a request, whose trace neither this pass nor its timers belong to (each
    // record's publish continues the trace stored with it).
    running = detachedFromTrace(async () => {
      let drained = false;
      try {
        do {
          again = false;
          drained = await pass();
        } while (again && !stopped);
      } catch (err) {
        log.warn({ err }, 'outbox relay pass failed; retrying on the next tick');
        drained = false;
      } finally {
        running = null;
        schedule();
      }
      return drained;
    });
    return running;
  }

  function schedule() {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), intervalMs);
  }

  void run();

  return {
    stats: () => ({ ...stats }),
    kick() {
      if (!stopped) void run();
    },
    async flush(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      // A pass already running may have read before the caller's write: always run one more.
      if (running) await running;
      while (!stopped && !(await run())) {
        if (Date.now() > deadline) throw new Error(`outbox not drained after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, Math.min(intervalMs, 100)));
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
  };
}

/** When the entry's event occurred, if it says (read for the backlog-age metric; the relay validates it separately). */
function occurredAt(entry: OutboxEntry | undefined): Date | undefined {
  const at = (entry?.event as { occurredAt?: unknown } | null | undefined)?.occurredAt;
  const date = typeof at === 'string' || at instanceof Date ? new Date(at) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
