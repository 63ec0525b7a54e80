/**
 * The cluster run's own reconciliation rows (pure), on top of the chaos run's (reconcile.ts): what two
 * replicas of everything, sharing one database and one durable consumer each, must never do twice,
 * and proof that both did work.
 */
import type { Facts } from '../chaos/facts.js';
import type { PurchaseResult } from '../chaos/purchase.js';
import { row, type Row } from '../chaos/reconcile.js';
import type { Work } from './metrics.js';
import type { StreamFacts } from './stream-facts.js';

export const CLUSTER_ROW_IDS = [
  'streams-replicated',
  'relayed-once',
  'events-once',
  'timeouts',
  'cancel-once',
  'carts-expired',
  'notifications',
  'delivered',
  'work-shared',
] as const;
export type ClusterRowId = (typeof CLUSTER_ROW_IDS)[number];

/** Rows that still move after the load (sweepers, consumers): the settle loop waits for them too. */
export const CLUSTER_SETTLE_ROWS: readonly ClusterRowId[] = ['events-once', 'timeouts', 'carts-expired', 'notifications', 'delivered'];

/** Events each of which the messaging worker answers with one email `<eventId.email@shop>`. */
export const EMAILED = [
  'shop.order.placed.v1',
  'shop.order.cancelled.v1',
  'shop.order.shipped.v1',
  'shop.order.delivered.v1',
  'shop.payment.failed.v1',
  'shop.payment.refunded.v1',
  'shop.invoice.rendered.v1',
] as const;

export interface ReplicaWork {
  replica: string;
  service: string;
  work: Work;
  /** Processes it ran as (1 + restarts). */
  lives: number;
}

export interface ClusterInput {
  facts: Facts;
  streams: StreamFacts;
  results: readonly PurchaseResult[];
  work: readonly ReplicaWork[];
  /** The copies each stream must have (NATS_STREAM_REPLICAS). */
  streamReplicas: number;
}

const countBy = <T>(items: readonly T[], key: (t: T) => string | undefined) => {
  const m = new Map<string, number>();
  for (const i of items) {
    const k = key(i);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};

/** Ids of `want` whose count in `counts` is not exactly 1, and counted ids not in `want`. */
function exactlyOnce(want: readonly string[], counts: ReadonlyMap<string, number>, what: string): string[] {
  const wanted = new Set(want);
  return [
    ...want.filter((id) => (counts.get(id) ?? 0) !== 1).map((id) => `${id}: ${counts.get(id) ?? 0} ${what}`),
    ...[...counts.keys()].filter((id) => !wanted.has(id)).map((id) => `${id}: ${what} without cause`),
  ];
}

/**
 * Replicas that did none of their service's work: no event handled, no record relayed, no request
 * served. (A service with few events of its own, as payment's `order.cancelled`, may see all of them
 * handled by the other replica while this one was down; its requests and relay still show it working.)
 */
function idle(work: readonly ReplicaWork[]): string[] {
  return work.filter((w) => w.work.handled + w.work.published + w.work.requests === 0).map((w) => `${w.replica} did no work`);
}

export function clusterRows({ facts, streams, results, work, streamReplicas }: ClusterInput): Row<ClusterRowId>[] {
  const orders = [...facts.orders.values()];
  const events = streams.events;
  const ofType = (type: string) => events.filter((e) => e.type === type);

  const byMsgId = countBy(events, (e) => e.msgId);
  const relayedTwice = [...byMsgId].filter(([, n]) => n > 1).map(([id, n]) => `${id} stored ${n} times`);
  const msgIdMismatch = events
    .filter((e) => e.msgId !== e.id)
    .map((e) => `${e.stream}#${e.seq}: Nats-Msg-Id ${e.msgId} ≠ event id ${e.id}`);

  const cancelled = orders.filter((o) => o.status === 'CANCELLED').map((o) => o.id);
  const paid = orders.filter((o) => o.everPaid).map((o) => o.id);
  const invoices = [...facts.invoices.values()];
  const eventProblems = [
    ...exactlyOnce(
      cancelled,
      countBy(ofType('shop.order.cancelled.v1'), (e) => e.orderId),
      'order.cancelled events',
    ),
    ...exactlyOnce(
      paid,
      countBy(ofType('shop.order.paid.v1'), (e) => e.orderId),
      'order.paid events',
    ),
    ...exactlyOnce(
      invoices,
      countBy(ofType('shop.invoice.issued.v1'), (e) => e.invoiceId),
      'invoice.issued events',
    ),
  ];

  const abandonedOrders = results.filter((r) => r.plan.kind === 'abandoned-order' && r.orderId);
  const timedOut = abandonedOrders.filter((r) => {
    const o = facts.orders.get(r.orderId!);
    return o?.status === 'CANCELLED' && o.cancellations === 1 && !o.everPaid;
  });
  const abandonedCarts = results.filter((r) => r.plan.kind === 'abandoned-cart' && r.cartId);

  const emailed = events.filter((e) => (EMAILED as readonly string[]).includes(e.type));
  const identities = new Set(facts.mails.map((m) => m.messageId));
  const identitiesOf = countBy([...identities], (id) => /^<([^.>]+)\.email@shop>$/.exec(id)?.[1]);
  const resent = facts.mails.length - identities.size;

  const stuck = streams.durables.filter((d) => d.pending > 0 || d.ackPending > 0);
  const underReplicated = [...streams.streamReplicas].filter(([, n]) => n !== streamReplicas).map(([s, n]) => `${s}: ${n} copies`);
  const notifications = row(
    'notifications',
    'emailing events = emails (one identity each)',
    emailed.length,
    emailed.filter((e) => identitiesOf.get(e.id) === 1).length,
    exactlyOnce(
      emailed.map((e) => e.id),
      identitiesOf,
      'email identities',
    ),
  );
  // At least once with a stable identity (design §6): a resend after a kill carries the same Message-ID.
  if (notifications.ok && resent > 0)
    notifications.detail = `${resent} resend(s) of an identity already sent (receivers dedupe on Message-ID)`;
  const thinDurables = streams.durables.filter((d) => d.replicas !== streamReplicas).map((d) => `${d.durable}: ${d.replicas} copies`);

  return [
    row(
      'streams-replicated',
      `streams and durables with ${streamReplicas} copies`,
      streams.streamReplicas.size,
      streams.streamReplicas.size - underReplicated.length,
      [...underReplicated, ...thinDurables],
    ),
    row('relayed-once', 'events stored twice (two relays, one outbox)', 0, relayedTwice.length, [...relayedTwice, ...msgIdMismatch]),
    row(
      'events-once',
      'one order.cancelled per cancelled order, order.paid per paid order, invoice.issued per invoice',
      cancelled.length + paid.length + invoices.length,
      cancelled.length + paid.length + invoices.length - eventProblems.length,
      eventProblems,
    ),
    row(
      'timeouts',
      'abandoned orders cancelled once by the payment timeout',
      abandonedOrders.length,
      timedOut.length,
      abandonedOrders.filter((r) => !timedOut.includes(r)).map((r) => `${r.orderId}: ${facts.orders.get(r.orderId!)?.status ?? 'missing'}`),
    ),
    row(
      'cancel-once',
      'orders with more than one CANCELLED transition',
      0,
      orders.filter((o) => o.cancellations > 1).length,
      orders.filter((o) => o.cancellations > 1).map((o) => `${o.id}: cancelled ${o.cancellations} times`),
    ),
    row(
      'carts-expired',
      'abandoned carts expired once by the cart sweeper',
      abandonedCarts.length,
      abandonedCarts.filter((r) => facts.cartExpiries.get(r.cartId!) === 1).length,
      abandonedCarts
        .filter((r) => facts.cartExpiries.get(r.cartId!) !== 1)
        .map((r) => `${r.cartId}: expired ${facts.cartExpiries.get(r.cartId!) ?? 0} times`),
    ),
    notifications,
    row(
      'delivered',
      'durable consumers with events not delivered or not acked',
      0,
      stuck.length,
      stuck.map((d) => `${d.durable}: ${d.pending} pending, ${d.ackPending} unacked`),
    ),
    row('work-shared', 'replicas that did work', work.length, work.length - idle(work).length, idle(work)),
  ];
}
