import type { JetStreamManager } from '@nats-io/jetstream';
import { boundedLabel, counter, gauge, histogram } from '@shop/kit';
import { EVENT_SUBJECTS } from './contracts.js';
import { DLQ_PREFIX, DLQ_STREAM } from './streams.js';

/**
 * The event side's metrics (docs/design.md, Metrics). Labels: `subject` (a contract subject, else
 * `other`), `durable` (`<service>--<event>`, fixed by the code), `outcome`, `outbox` (the relay's name).
 * Consumer and DLQ figures are read from JetStream at each scrape, not counted here: they stay true
 * across restarts and replicas.
 */
const SUBJECTS: ReadonlySet<string> = new Set(EVENT_SUBJECTS);
export const subjectLabel = (subject: string): string => boundedLabel(subject, SUBJECTS);

export type HandlerOutcome = 'acked' | 'retried' | 'dead_lettered';

const handled = counter('shop_event_handled_total', 'Event deliveries handled, by outcome', ['subject', 'outcome']);
const handlerLatency = histogram('shop_event_handler_duration_seconds', 'Event handler run time, delivery to decision', ['subject']);
const timedOut = counter('shop_event_handler_timeouts_total', 'Handler runs abandoned at their deadline', ['subject']);

export const eventMetrics = {
  handled: (subject: string, outcome: HandlerOutcome) => handled.inc({ subject: subjectLabel(subject), outcome }),
  handlerTime: (subject: string, seconds: number) => handlerLatency.observe({ subject: subjectLabel(subject) }, seconds),
  timedOut: (subject: string) => timedOut.inc({ subject: subjectLabel(subject) }),
};

const backlog = gauge(
  'shop_outbox_backlog',
  'Unpublished outbox records the relay last read (exact below the relay batch size, which it saturates at)',
  ['outbox'],
);
const oldest = gauge('shop_outbox_oldest_age_seconds', 'Age of the oldest unpublished outbox record the relay last read; 0 when drained', [
  'outbox',
]);
const published = counter('shop_outbox_published_total', 'Outbox records published', ['outbox']);
const quarantined = counter('shop_outbox_quarantined_total', 'Outbox records quarantined because their event breaks its contract', [
  'outbox',
]);

export const outboxMetrics = {
  /** What a read of pending records found: how many (up to the batch) and when the oldest event occurred. */
  read: (outbox: string, count: number, oldestAt: Date | undefined) => {
    backlog.set({ outbox }, count);
    oldest.set({ outbox }, oldestAt ? Math.max(0, (Date.now() - oldestAt.getTime()) / 1000) : 0);
  },
  published: (outbox: string) => {
    backlog.dec({ outbox });
    published.inc({ outbox });
  },
  quarantined: (outbox: string) => {
    backlog.dec({ outbox });
    quarantined.inc({ outbox });
  },
  drained: (outbox: string) => {
    backlog.set({ outbox }, 0);
    oldest.set({ outbox }, 0);
  },
};

interface Watched {
  jsm: JetStreamManager;
  stream: string;
}
const watched = new Map<string, Watched>();
const collectFailures = counter('shop_metrics_collect_failures_total', 'Scrapes that could not read a figure from JetStream', ['source']);

gauge('shop_consumer_pending', 'Messages not yet delivered to the durable consumer (JetStream num_pending)', ['durable'], async (g) => {
  await eachConsumer((durable, info) => g.set({ durable }, info.num_pending));
});
gauge('shop_consumer_ack_pending', 'Messages delivered and not yet acknowledged (JetStream num_ack_pending)', ['durable'], async (g) => {
  await eachConsumer((durable, info) => g.set({ durable }, info.num_ack_pending));
});
gauge('shop_consumer_redelivered', 'Outstanding messages delivered more than once (JetStream num_redelivered)', ['durable'], async (g) => {
  await eachConsumer((durable, info) => g.set({ durable }, info.num_redelivered));
});
gauge('shop_dlq_depth', 'Dead letters stored per original subject', ['subject'], async (g) => {
  const first = watched.values().next().value;
  if (!first) return;
  try {
    const info = await first.jsm.streams.info(DLQ_STREAM, { subjects_filter: `${DLQ_PREFIX}>` });
    g.reset();
    for (const subject of EVENT_SUBJECTS) g.set({ subject }, 0);
    for (const [subject, n] of Object.entries(info.state.subjects ?? {}))
      g.inc({ subject: subjectLabel(subject.slice(DLQ_PREFIX.length)) }, n);
  } catch {
    collectFailures.inc({ source: 'dlq' });
  }
});

type ConsumerFigures = { num_pending: number; num_ack_pending: number; num_redelivered: number };
const infoCache = new Map<string, { at: number; info: Promise<ConsumerFigures> }>();

/** One consumer-info request per durable per scrape (the three gauges share it). */
async function eachConsumer(set: (durable: string, info: ConsumerFigures) => void): Promise<void> {
  await Promise.all(
    [...watched].map(async ([durable, w]) => {
      let cached = infoCache.get(durable);
      if (!cached || Date.now() - cached.at > 1_000) {
        cached = { at: Date.now(), info: w.jsm.consumers.info(w.stream, durable) };
        infoCache.set(durable, cached);
      }
      try {
        set(durable, await cached.info);
      } catch {
        collectFailures.inc({ source: 'consumer' });
      }
    }),
  );
}

/** Reports the durable consumer's JetStream figures at each scrape until the returned function is called. */
export function watchConsumer(jsm: JetStreamManager, stream: string, durable: string): () => void {
  watched.set(durable, { jsm, stream });
  return () => {
    watched.delete(durable);
    infoCache.delete(durable);
  };
}
