/**
 * Stores a history of paid orders straight into the services' databases, as the services would have
 * written them: per order the order document and its PAID transition and payment deadline, the product's
 * reservation, decision and stock movement, the payment and its SUCCEEDED record, the invoice, and the
 * buyer's email notification. Documents go through the services' own mongoose models (so their
 * schemas validate the shapes) and carry contract-valid events, already published.
 *
 * Invariants kept: the orders and invoices belong to a past year (numbers 1…n of that year, gapless,
 * so the current year's numbering is untouched); the stock movements are appended to products made
 * for the history, continuing each one's ledger from its head, which is moved to the last version.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { createEvent } from '@shop/events';
import { createNotificationModel } from '@shop/messaging';
import { testDbName } from '@shop/harness';
import type { Stack } from '../e2e/support/stack.js';

const TAX_RATE_BPS = 2000; // the services' default TAX_RATE_BPS
const CURRENCY = 'USD';
const PRODUCTS = 20;
const CHUNK = 1000;
const ADDRESS = {
  name: 'History Buyer',
  line1: '2 Archive Lane',
  line2: null,
  city: 'Localhost',
  region: null,
  postalCode: '54321',
  country: 'US',
};
const SELLER = {
  name: 'Shop Supergraph Ltd',
  email: 'billing@shop.example',
  address: {
    name: 'Shop Supergraph Ltd',
    line1: '1 Example Street',
    line2: null,
    city: 'London',
    region: null,
    postalCode: 'EC1A 1AA',
    country: 'GB',
  },
  taxId: null,
};
/** Key formats of the product ledger (subgraphs/product/src/stock.ts), which its lib does not export. */
const holdKey = (orderId: string, productId: string) => `${orderId}:${productId}:hold`;
const pad = (n: number) => String(n).padStart(6, '0');

async function insertChunked<T>(insert: (docs: T[]) => Promise<unknown>, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) await insert(docs.slice(i, i + CHUNK));
}

/** Stores `count` paid orders of `year` (a year before the current one); returns the documents stored. */
export async function storeOrderHistory(stack: Stack, count: number, year: number): Promise<number> {
  if (year >= new Date().getUTCFullYear()) throw new Error(`history must be of a past year, not ${year}`);
  const existing = await stack.order.models.Order.countDocuments({ year });
  if (existing > 0) throw new Error(`the database already holds ${existing} orders of ${year}`);
  const products = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const p = await stack.createProduct({ price: 1000 + 100 * i, initialStock: 3 * count });
    const head = await stack.product.models.StockHead.findById(p.id).lean();
    if (!head) throw new Error(`product ${p.id} has no stock head`);
    products.push({ ...p, price: 1000 + 100 * i, version: head.version, balance: head.balance });
  }
  const docs = {
    orders: [] as object[],
    transitions: [] as object[],
    deadlines: [] as object[],
    reservations: [] as object[],
    decisions: [] as object[],
    movements: [] as object[],
    payments: [] as object[],
    records: [] as object[],
    invoices: [] as object[],
    notifications: [] as object[],
  };
  const start = Date.UTC(year, 0, 1);
  const step = (Date.UTC(year + 1, 0, 1) - start - 3_600_000) / count;
  for (let i = 0; i < count; i++) {
    const product = products[i % PRODUCTS]!;
    const quantity = 1 + (i % 3);
    const createdAt = new Date(start + i * step);
    const paidAt = new Date(createdAt.getTime() + 2_000);
    const orderId = randomUUID();
    const paymentId = randomUUID();
    const invoiceId = randomUUID();
    const number = `SO-${year}-${pad(i + 1)}`;
    const email = `history-${i}@shop.example`;
    const line = {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      unitPrice: product.price,
      quantity,
      lineTotal: product.price * quantity,
    };
    const subtotal = line.lineTotal;
    const tax = Math.round((subtotal * TAX_RATE_BPS) / 10_000);
    const total = subtotal + tax;
    const correlationId = randomUUID();
    const placed = createEvent(
      'shop.order.placed.v1',
      { orderId, number, cartId: randomUUID(), email, lines: [line], subtotal, tax, total, currency: CURRENCY },
      { source: 'order', correlationId, occurredAt: createdAt },
    );
    docs.orders.push({
      _id: orderId,
      number,
      year,
      seq: i + 1,
      cartId: placed.data.cartId,
      idempotencyKey: randomUUID(),
      customerId: null,
      email,
      phone: null,
      shippingAddress: ADDRESS,
      lines: [line],
      subtotal,
      tax,
      total,
      currency: CURRENCY,
      taxRateBps: TAX_RATE_BPS,
      createdAt,
      event: placed,
      publishedAt: createdAt,
    });
    docs.deadlines.push({ _id: orderId, dueAt: new Date(createdAt.getTime() + 900_000), sweptAt: paidAt, unswept: false });
    const succeeded = createEvent(
      'shop.payment.succeeded.v1',
      { paymentId, orderId, amount: total, currency: CURRENCY, providerReference: `ch_${paymentId.slice(0, 8)}` },
      { source: 'payment', correlationId, occurredAt: paidAt },
    );
    const paid = createEvent(
      'shop.order.paid.v1',
      { orderId, number, paymentId, total, currency: CURRENCY },
      { source: 'order', correlationId, occurredAt: paidAt },
    );
    docs.transitions.push({
      _id: `${orderId}:1`,
      orderId,
      version: 1,
      kind: 'STATUS',
      from: 'PENDING_PAYMENT',
      status: 'PAID',
      at: paidAt,
      note: null,
      actor: 'payment',
      tracking: null,
      paymentId,
      sourceEventId: succeeded.id,
      orderCreatedAt: createdAt,
      event: paid,
      publishedAt: paidAt,
    });
    const productId = new Types.ObjectId(product.id);
    product.version += 1;
    product.balance -= quantity;
    // Confirmed long ago and settled by the sweeper since, as in a shop that has run for a while.
    docs.reservations.push({ _id: orderId, lines: [{ productId, quantity }], createdAt, sweptAt: paidAt, unswept: false });
    docs.decisions.push({ _id: orderId, decision: 'CONFIRMED', at: createdAt });
    docs.movements.push({
      _id: `${product.id}:${product.version}`,
      productId,
      version: product.version,
      kind: 'RESERVATION',
      quantity: -quantity,
      balance: product.balance,
      orderId,
      reason: null,
      dedupeKey: holdKey(orderId, product.id),
      at: createdAt,
    });
    docs.payments.push({
      _id: paymentId,
      orderId,
      idempotencyKey: randomUUID(),
      customerId: null,
      amount: total,
      currency: CURRENCY,
      token: 'tok_visa',
      provider: 'sandbox',
      correlationId,
      createdAt: new Date(createdAt.getTime() + 1_000),
    });
    docs.records.push({
      _id: `${paymentId}:1`,
      paymentId,
      orderId,
      version: 1,
      status: 'SUCCEEDED',
      providerReference: succeeded.data.providerReference,
      failureCode: null,
      failureMessage: null,
      providerFinal: false,
      nextActionUrl: null,
      refundedAmount: 0,
      note: null,
      sourceEventId: `whev_${paymentId}`,
      at: paidAt,
      event: succeeded,
      publishedAt: paidAt,
    });
    const invoiceNumber = `INV-${year}-${pad(i + 1)}`;
    docs.invoices.push({
      _id: invoiceId,
      orderId,
      orderNumber: number,
      customerId: null,
      number: invoiceNumber,
      year,
      seq: i + 1,
      issuedAt: paidAt,
      currency: CURRENCY,
      taxRateBps: TAX_RATE_BPS,
      lines: [{ sku: line.sku, name: line.name, unitPrice: line.unitPrice, quantity, lineTotal: line.lineTotal, tax }],
      subtotal,
      tax,
      total,
      seller: SELLER,
      buyer: { name: ADDRESS.name, email, address: ADDRESS, taxId: null },
      sourceEventId: paid.id,
      event: createEvent(
        'shop.invoice.issued.v1',
        { invoiceId, orderId, number: invoiceNumber },
        { source: 'invoice', correlationId, occurredAt: paidAt },
      ),
      publishedAt: paidAt,
    });
    docs.notifications.push({
      _id: `${placed.id}.email`,
      eventId: placed.id,
      channel: 'email',
      eventType: placed.type,
      identity: `<${placed.id}.email@shop.example>`,
      recipient: email,
      status: 'SENT',
      attempts: 1,
      lastError: null,
      providerId: null,
      createdAt,
      sentAt: createdAt,
    });
  }
  const o = stack.order.models;
  const p = stack.product.models;
  const pay = stack.payment.models;
  // The messaging worker is not part of the bench's stack; its database gets the history all the same.
  const Notification = createNotificationModel(stack.order.conn.useDb(testDbName('e2e_messaging')));
  // One sequence per database (SQLite takes one writer per file), the databases side by side.
  await Promise.all([
    (async () => {
      await insertChunked((d) => o.Order.insertMany(d), docs.orders);
      await insertChunked((d) => o.Transition.insertMany(d), docs.transitions);
      await insertChunked((d) => o.Deadline.insertMany(d), docs.deadlines);
    })(),
    (async () => {
      await insertChunked((d) => p.Reservation.insertMany(d), docs.reservations);
      await insertChunked((d) => p.ReservationDecision.insertMany(d), docs.decisions);
      await insertChunked((d) => p.Movement.insertMany(d), docs.movements);
      for (const product of products)
        await p.StockHead.updateOne({ _id: product.id }, { version: product.version, balance: product.balance });
    })(),
    (async () => {
      await insertChunked((d) => pay.Payment.insertMany(d), docs.payments);
      await insertChunked((d) => pay.Record.insertMany(d), docs.records);
    })(),
    insertChunked((d) => stack.invoice.models.Invoice.insertMany(d), docs.invoices),
    insertChunked((d) => Notification.insertMany(d), docs.notifications),
  ]);
  return Object.values(docs).reduce((n, list) => n + list.length, 0);
}
