/**
 * What the system holds after the run, read at the source: the services' databases with the MongoDB
 * driver, the DLQ with the JetStream client, the mail catcher's `.eml` files, and the provider
 * sandboxes' books (books.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import mongoose from 'mongoose';
import { listDeadLetters, natsServers, type DeadLetter } from '@shop/events';

export interface OrderFact {
  id: string;
  email: string;
  phone: string | null;
  lines: { productId: string; quantity: number }[];
  status: string;
  everPaid: boolean;
  /** CANCELLED transitions in its timeline: 1 at most, however many cancellers (sweepers, replicas) tried. */
  cancellations: number;
}

export interface PaymentFact {
  id: string;
  orderId: string;
  amount: number;
  status: string;
  refundedAmount: number;
}

export interface Movement {
  productId: string;
  version: number;
  kind: string;
  quantity: number;
  balance: number;
  orderId: string | null;
}

export interface MailFact {
  messageId: string;
  to: string;
  subject: string;
  hasPdf: boolean;
}

export interface Facts {
  orders: Map<string, OrderFact>;
  payments: PaymentFact[];
  /** orderId → invoice id, and the invoice ids that have a stored PDF (READY). */
  invoices: Map<string, string>;
  pdfs: Set<string>;
  movements: Movement[];
  mails: MailFact[];
  deadLetters: DeadLetter[];
  /** cartId → how many times the cart's log records it EXPIRED (the cart sweeper's effect: 1 at most). */
  cartExpiries: Map<string, number>;
  /** Product's reservation requests, by order id, with the decision taken on each (if any yet). */
  reservations: Map<string, { decision: 'CONFIRMED' | 'EXPIRED' | null }>;
}

type Doc = Record<string, any>;

export async function readFacts(dbUrl: string, natsUrl: string, mailDir: string): Promise<Facts> {
  const client = new mongoose.mongo.MongoClient(dbUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const all = (db: string, coll: string, projection: Doc = {}) =>
      client.db(db).collection(coll).find({}, { projection, maxTimeMS: 60_000 }).toArray() as Promise<Doc[]>;
    const [orders, transitions, payments, records, invoices, pdfs, movements, reservations, decisions, expiries] = await Promise.all([
      all('shop_order', 'orders', { event: 0 }),
      all('shop_order', 'order_transitions', { event: 0 }),
      all('shop_payment', 'payments'),
      all('shop_payment', 'payment_records', { event: 0 }),
      all('shop_invoice', 'invoices', { orderId: 1 }),
      all('shop_invoice', 'invoice_pdfs', { _id: 1 }),
      all('shop_product', 'stock_movements'),
      all('shop_product', 'reservations', { _id: 1 }),
      all('shop_product', 'reservation_decisions'),
      client
        .db('shop_cart')
        .collection('cart_changes')
        .find({ kind: 'STATUS', status: 'EXPIRED' }, { projection: { cartId: 1 }, maxTimeMS: 60_000 })
        .toArray() as Promise<Doc[]>,
    ]);
    const cartExpiries = new Map<string, number>();
    for (const e of expiries) cartExpiries.set(String(e.cartId), (cartExpiries.get(String(e.cartId)) ?? 0) + 1);
    const decided = new Map(decisions.map((d) => [String(d._id), d.decision as 'CONFIRMED' | 'EXPIRED']));
    return {
      orders: orderFacts(orders, transitions),
      payments: paymentFacts(payments, records),
      invoices: new Map(invoices.map((i) => [String(i.orderId), String(i._id)])),
      pdfs: new Set(pdfs.map((p) => String(p._id))),
      movements: movements
        .filter((m) => m.version > 0)
        .map((m) => ({
          productId: String(m.productId),
          version: m.version,
          kind: m.kind,
          quantity: m.quantity,
          balance: m.balance,
          orderId: m.orderId,
        })),
      mails: readMails(mailDir),
      deadLetters: await readDeadLetters(natsUrl),
      cartExpiries,
      reservations: new Map(reservations.map((r) => [String(r._id), { decision: decided.get(String(r._id)) ?? null }])),
    };
  } finally {
    await client.close();
  }
}

function orderFacts(orders: Doc[], transitions: Doc[]): Map<string, OrderFact> {
  const byOrder = new Map<string, Doc[]>();
  for (const t of transitions) byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
  return new Map(
    orders.map((o) => {
      const log = (byOrder.get(o._id) ?? []).filter((t) => t.kind === 'STATUS').sort((a, b) => a.version - b.version);
      const fact: OrderFact = {
        id: o._id,
        email: o.email,
        phone: o.phone ?? null,
        lines: (o.lines as Doc[]).map((l) => ({ productId: String(l.productId), quantity: l.quantity })),
        status: log.at(-1)?.status ?? 'PENDING_PAYMENT',
        everPaid: log.some((t) => t.status === 'PAID'),
        cancellations: log.filter((t) => t.status === 'CANCELLED').length,
      };
      return [fact.id, fact];
    }),
  );
}

function paymentFacts(payments: Doc[], records: Doc[]): PaymentFact[] {
  const latest = new Map<string, Doc>();
  for (const r of records) if ((latest.get(r.paymentId)?.version ?? -1) < r.version) latest.set(r.paymentId, r);
  return payments.map((p) => ({
    id: p._id,
    orderId: p.orderId,
    amount: p.amount,
    status: latest.get(p._id)?.status ?? 'PENDING',
    refundedAmount: latest.get(p._id)?.refundedAmount ?? 0,
  }));
}

/** Header fields of every captured email (unfolded), and whether it carries a PDF. */
export function readMails(dir: string): MailFact[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'latin1');
      const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
      const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
      return {
        messageId: header('message-id'),
        to: header('to').replace(/^.*<([^>]+)>.*$/, '$1'),
        subject: header('subject'),
        hasPdf: /content-type:\s*application\/pdf/i.test(raw),
      };
    });
}

async function readDeadLetters(natsUrl: string): Promise<DeadLetter[]> {
  const nc = await connect({ servers: natsServers(natsUrl), name: 'chaos-reconcile', timeout: 10_000, maxReconnectAttempts: 5 });
  try {
    return await listDeadLetters(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

/** Our payment ids (the provider's `reference`), to read the provider's books by. */
export async function paymentIds(dbUrl: string): Promise<string[]> {
  const client = new mongoose.mongo.MongoClient(dbUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    const docs = await client
      .db('shop_payment')
      .collection('payments')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    return docs.map((d) => String(d._id));
  } finally {
    await client.close();
  }
}
