import type { ProviderBooks } from './books.js';
import type { Facts, OrderFact } from './facts.js';
import type { PurchaseResult } from './purchase.js';

export interface Row<Id extends string = RowId> {
  id: Id;
  check: string;
  expected: number | string;
  actual: number | string;
  ok: boolean;
  /** What differs, for a mismatch: a few ids and reasons. */
  detail?: string;
}

export const ROW_IDS = [
  'invoices-issued',
  'invoices-ready',
  'invoice-emails',
  'refunds',
  'sms',
  'charges',
  'double-charge',
  'refunds-le-charges',
  'stock',
  'stock-provisional',
  'stock-negative',
  'dlq',
  'client-failures',
] as const;
export type RowId = (typeof ROW_IDS)[number];

export interface ReconcileInput {
  facts: Facts;
  books: ProviderBooks;
  results: readonly PurchaseResult[];
  products: ReadonlyMap<string, number>;
}

const SETTLED_PAYMENT = new Set(['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED']);
export const few = (items: readonly string[]) =>
  items.length ? `${items.slice(0, 4).join('; ')}${items.length > 4 ? ` (+${items.length - 4})` : ''}` : undefined;

/** A row that holds when `actual` is `expected` and nothing is listed in `problems` (a few are shown). */
export function row<Id extends string = RowId>(
  id: Id,
  check: string,
  expected: number | string,
  actual: number | string,
  problems: string[] = [],
): Row<Id> {
  return { id, check, expected, actual, ok: expected === actual && problems.length === 0, detail: few(problems) };
}

export function reconcile({ facts, books, results, products }: ReconcileInput): Row[] {
  const orders = [...facts.orders.values()];
  const paid = orders.filter((o) => o.everPaid);
  const paidCancelled = paid.filter((o) => o.status === 'CANCELLED');
  const invoiceOf = (o: OrderFact) => facts.invoices.get(o.id);
  const invoiceMails = facts.mails.filter((m) => m.hasPdf);
  const mailsTo = (o: OrderFact) => new Set(invoiceMails.filter((m) => m.to === o.email).map((m) => m.messageId));

  const providerPayments = [...books.payments.values()];
  const captured = providerPayments.filter((p) => p.status === 'succeeded');
  const ourSettled = facts.payments.filter((p) => SETTLED_PAYMENT.has(p.status));
  const chargesByOrder = new Map<string, number>();
  const orderOfPayment = new Map(facts.payments.map((p) => [p.id, p.orderId]));
  for (const c of captured) {
    const orderId = orderOfPayment.get(c.reference) ?? `unknown:${c.reference}`;
    chargesByOrder.set(orderId, (chargesByOrder.get(orderId) ?? 0) + 1);
  }
  const refundedAtProvider = (o: OrderFact) =>
    providerPayments.some((p) => orderOfPayment.get(p.reference) === o.id && p.status === 'succeeded' && p.amountRefunded >= p.amount);

  const smsTo = (phone: string) => [...books.sms.values()].filter((m) => m.to === phone).length;
  const withPhone = orders.filter((o) => o.phone);
  const stock = stockRows(facts, products, orders);

  return [
    row(
      'invoices-issued',
      'paid orders = invoices issued',
      paid.length,
      paid.filter(invoiceOf).length,
      missing(paid, (o) => !invoiceOf(o), 'no invoice'),
    ),
    row(
      'invoices-ready',
      'paid orders = invoices READY (PDF stored)',
      paid.length,
      paid.filter((o) => facts.pdfs.has(invoiceOf(o) ?? '')).length,
    ),
    row(
      'invoice-emails',
      'paid orders = invoice emails (distinct Message-ID)',
      paid.length,
      new Set(invoiceMails.map((m) => m.messageId)).size,
      paid.filter((o) => mailsTo(o).size !== 1).map((o) => `${o.id}: ${mailsTo(o).size} invoice emails`),
    ),
    row(
      'refunds',
      'cancelled paid orders = refunds at the provider',
      paidCancelled.length,
      paidCancelled.filter(refundedAtProvider).length,
    ),
    row(
      'sms',
      'orders with a phone = order-placed SMS (1 each)',
      withPhone.length,
      withPhone.filter((o) => smsTo(o.phone!) === 1).length,
      withPhone.filter((o) => smsTo(o.phone!) !== 1).map((o) => `${o.id}: ${smsTo(o.phone!)} SMS`),
    ),
    row(
      'charges',
      'charges at the provider = successful payments',
      captured.length,
      ourSettled.length,
      chargeMismatch(captured, ourSettled),
    ),
    row(
      'double-charge',
      'orders charged more than once',
      0,
      [...chargesByOrder.values()].filter((n) => n > 1).length,
      [...chargesByOrder].filter(([, n]) => n > 1).map(([id, n]) => `${id}: ${n} charges`),
    ),
    row(
      'refunds-le-charges',
      'refunded ≤ captured (every payment)',
      0,
      providerPayments.filter((p) => p.amountRefunded > (p.status === 'succeeded' ? p.amount : 0)).length,
    ),
    row(
      'stock',
      'stock: initial − held by orders − held for the sweeper = ledger balance',
      products.size,
      products.size - stock.bad.length,
      stock.bad,
    ),
    row(
      'stock-provisional',
      'reservations without an order = ones the sweeper releases (unconfirmed)',
      stock.provisional.length,
      stock.provisional.filter((h) => h.sweepable).length,
      stock.provisional.filter((h) => !h.sweepable).map((h) => `${h.orderId}: ${h.why}`),
    ),
    row('stock-negative', 'negative balances in the ledger', 0, stock.negative),
    row(
      'dlq',
      'dead letters (none provoked on purpose)',
      0,
      facts.deadLetters.length,
      facts.deadLetters.map((d) => `${d.consumer} ${d.kind}: ${d.error}`),
    ),
    clientRow(results, facts),
  ];
}

function missing(orders: OrderFact[], bad: (o: OrderFact) => boolean, why: string): string[] {
  return orders.filter(bad).map((o) => `${o.id}: ${why}`);
}

function chargeMismatch(captured: { reference: string }[], ours: { id: string }[]): string[] {
  const oursIds = new Set(ours.map((p) => p.id));
  const theirs = new Set(captured.map((c) => c.reference));
  return [
    ...captured.filter((c) => !oursIds.has(c.reference)).map((c) => `${c.reference}: captured, not SUCCEEDED here`),
    ...ours.filter((p) => !theirs.has(p.id)).map((p) => `${p.id}: SUCCEEDED here, no capture seen at the provider`),
  ];
}

/**
 * A reservation whose order was never written: the order service died between reserving and inserting
 * the order, or its release kept failing until it stopped retrying, so the stock was not given back. By
 * design (docs/design.md §5 step 1) it stays held until product's sweeper releases it, RESERVATION_TTL
 * (45 min) after it was made, which is after the run: it is correct while it is still unconfirmed, so
 * that the sweeper will release it.
 */
interface ProvisionalHold {
  orderId: string;
  productId: string;
  quantity: number;
  sweepable: boolean;
  why?: string;
}

/** Holds (reservations not released) of order ids that have no order. */
function provisionalHolds(facts: Facts): ProvisionalHold[] {
  const released = new Set(facts.movements.filter((m) => m.kind === 'RELEASE').map((m) => `${m.orderId}:${m.productId}`));
  return facts.movements
    .filter((m) => m.kind === 'RESERVATION' && m.orderId && !facts.orders.has(m.orderId) && !released.has(`${m.orderId}:${m.productId}`))
    .map((m) => {
      const request = facts.reservations.get(m.orderId!);
      const why = !request
        ? 'held without a reservation request, which no sweep finds'
        : request.decision === 'CONFIRMED'
          ? 'confirmed, but no order exists: no sweep releases it'
          : request.decision === 'EXPIRED'
            ? 'expired by the sweeper, but not released'
            : undefined;
      return { orderId: m.orderId!, productId: m.productId, quantity: -m.quantity, sweepable: !why, why };
    });
}

/**
 * Per product: initial stock − units of orders still holding it − units held for the sweeper = the
 * ledger's last balance; the ledger's arithmetic holds.
 */
function stockRows(facts: Facts, products: ReadonlyMap<string, number>, orders: OrderFact[]) {
  const bad: string[] = [];
  let negative = 0;
  const provisional = provisionalHolds(facts);
  for (const [productId, initial] of products) {
    const ledger = facts.movements.filter((m) => m.productId === productId).sort((a, b) => a.version - b.version);
    negative += ledger.filter((m) => m.balance < 0).length;
    const held = orders
      .filter((o) => o.status !== 'CANCELLED')
      .flatMap((o) => o.lines)
      .filter((l) => l.productId === productId)
      .reduce((n, l) => n + l.quantity, 0);
    const forSweeper = provisional.filter((h) => h.productId === productId && h.sweepable).reduce((n, h) => n + h.quantity, 0);
    const last = ledger.at(-1)?.balance ?? 0;
    const broken = ledger.findIndex((m, i) => i > 0 && m.balance !== ledger[i - 1]!.balance + m.quantity);
    if (initial - held - forSweeper !== last)
      bad.push(`${productId}: ${initial} − ${held} held by orders − ${forSweeper} for the sweeper ≠ balance ${last}`);
    if (broken > 0) bad.push(`${productId}: ledger v${ledger[broken]!.version} does not add up`);
  }
  return { bad, negative, provisional };
}

/** Every purchase the client saw fail has a clear error and took no money; every success is in the books. */
function clientRow(results: readonly PurchaseResult[], facts: Facts): Row {
  const problems: string[] = [];
  const known = new Set(results.map((r) => r.orderId).filter(Boolean));
  for (const r of results) {
    const order = r.orderId ? facts.orders.get(r.orderId) : undefined;
    if (r.outcome === 'failed' && !r.error) problems.push(`#${r.plan.index}: failed without an error`);
    if (r.outcome === 'failed' && order?.everPaid && order.status !== 'CANCELLED')
      problems.push(`#${r.plan.index}: client gave up (${r.error}) but order ${order.id} is ${order.status}`);
    if (r.outcome === 'paid' && !(order?.everPaid && order.status === 'PAID'))
      problems.push(`#${r.plan.index}: client saw PAID, order is ${order?.status}`);
    if (r.outcome === 'cancelled' && order?.status !== 'CANCELLED')
      problems.push(`#${r.plan.index}: client saw CANCELLED, order is ${order?.status}`);
    if (r.outcome === 'abandoned' && order && (order.status !== 'CANCELLED' || order.everPaid))
      problems.push(`#${r.plan.index}: order ${order.id} abandoned unpaid, but ${order.status}${order.everPaid ? ' (paid)' : ''}`);
  }
  for (const o of facts.orders.values()) if (!known.has(o.id) && o.everPaid) problems.push(`${o.id}: paid, but no client saw this order`);
  // A purchase left `pending` may end either way; the money rows say whether it ended right.
  const settled = results.filter((r) => r.outcome !== 'pending' && r.outcome !== 'abandoned');
  const failedSeen = settled.filter((r) => r.outcome === 'failed').length;
  const failedInBooks = settled.filter((r) => {
    const order = r.orderId ? facts.orders.get(r.orderId) : undefined;
    const done = order?.status === 'PAID' || (order?.status === 'CANCELLED' && order.everPaid && r.plan.kind === 'cancel-after-paid');
    return !done;
  }).length;
  return row(
    'client-failures',
    'purchases the client saw fail = purchases not completed in the books',
    failedSeen,
    failedInBooks,
    problems,
  );
}

/** What still moves after the load, for the settle loop: done when every money, message and stock row holds. */
export const SETTLE_ROWS: readonly RowId[] = ['invoices-issued', 'invoices-ready', 'invoice-emails', 'refunds', 'sms', 'charges', 'stock'];
