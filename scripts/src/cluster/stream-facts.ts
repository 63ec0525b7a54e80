/**
 * What JetStream holds after the run, read from the cluster: every event stored in the event streams
 * (with its `Nats-Msg-Id`), and the state of every durable consumer.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServers } from '@shop/events';

export interface StoredEvent {
  stream: string;
  seq: number;
  /** The `Nats-Msg-Id` header: the outbox record's event id. */
  msgId: string;
  /** The envelope's id, type and the ids in `data` the rows key on. */
  id: string;
  type: string;
  orderId?: string;
  invoiceId?: string;
  paymentId?: string;
}

export interface DurableState {
  stream: string;
  durable: string;
  /** Messages not yet delivered, and delivered but not acknowledged. */
  pending: number;
  ackPending: number;
  /** Servers holding the consumer's state (the leader and its followers). */
  replicas: number;
}

export interface StreamFacts {
  events: StoredEvent[];
  durables: DurableState[];
  /** Copies JetStream keeps of each stream. */
  streamReplicas: Map<string, number>;
}

export const EVENT_STREAMS = ['ORDERS', 'PAYMENTS', 'INVOICES', 'PRODUCTS'] as const;

export async function readStreamFacts(natsUrl: string): Promise<StreamFacts> {
  const nc = await connect({ servers: natsServers(natsUrl), name: 'cluster-reconcile', timeout: 10_000, maxReconnectAttempts: 5 });
  try {
    const jsm = await jetstreamManager(nc);
    const events: StoredEvent[] = [];
    const durables: DurableState[] = [];
    const streamReplicas = new Map<string, number>();
    for (const stream of [...EVENT_STREAMS, 'DLQ']) {
      const info = await jsm.streams.info(stream);
      streamReplicas.set(stream, info.config.num_replicas);
      for (const c of await jsm.consumers.list(stream).next()) {
        if (!c.config.durable_name) continue; // the listing feeds' ordered consumers
        durables.push({
          stream,
          durable: c.name,
          pending: c.num_pending,
          ackPending: c.num_ack_pending,
          replicas: 1 + (c.cluster?.replicas?.length ?? 0),
        });
      }
      if (stream === 'DLQ') continue;
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq });
        if (!m) continue; // a sequence the stream no longer holds (never deleted here: limits, 7 days)
        const env = m.json<{ id: string; type: string; data: Record<string, unknown> }>();
        const str = (k: string) => {
          const v = env.data[k];
          return typeof v === 'string' ? v : undefined;
        };
        events.push({
          stream,
          seq,
          msgId: m.header.get('Nats-Msg-Id'),
          id: env.id,
          type: env.type,
          orderId: str('orderId'),
          invoiceId: str('invoiceId'),
          paymentId: str('paymentId'),
        });
      }
    }
    return { events, durables, streamReplicas };
  } finally {
    await nc.close();
  }
}
