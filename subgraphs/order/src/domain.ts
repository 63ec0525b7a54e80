import { priceLines } from '@shop/money';
import { Email, Phone } from '@shop/events';
import { userError, type UserError } from '@shop/kit';
import { COUNTRY_CODES } from './countries.js';
import type { AddressDoc, OrderDoc, OrderLineDoc, OrderStatus, TransitionDoc } from './model.js';

/** Pure order rules (docs/design.md §4): the lifecycle, how a state follows from its records, input checks, totals. */

/** Legal status changes. Acyclic, so an order reaches each status at most once. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

export const canMove = (from: OrderStatus, to: OrderStatus): boolean => NEXT[from].includes(to);
export const isCancellable = (status: OrderStatus): boolean => canMove(status, 'CANCELLED');

/** An entry of the timeline as the API shows it. */
export interface TimelineEntry {
  status: OrderStatus;
  at: Date;
  note: string | null;
}

/** An order as its records left it: the document (version 0) and its transitions (1…version). */
export interface OrderState {
  id: string;
  order: OrderDoc;
  status: OrderStatus;
  version: number;
  timeline: TimelineEntry[];
  tracking: { carrier: string; trackingNumber: string } | null;
  updatedAt: Date;
  /** Event ids already recorded on this order (consumed events). */
  sourceEventIds: ReadonlySet<string>;
  /** The transitions in the state, oldest first. */
  records: readonly TransitionDoc[];
}

/** A line as the OrderLine resolvers see it: with the order's currency. */
export interface OrderLineView extends OrderLineDoc {
  currency: string;
}

export const PLACED_NOTE = 'Order placed';

/** The state after `transitions` (any order; gaps end the log, since versions are written in sequence). */
export function stateOf(order: OrderDoc, transitions: readonly TransitionDoc[]): OrderState {
  const state: OrderState = {
    id: order._id,
    order,
    status: 'PENDING_PAYMENT',
    version: 0,
    timeline: [{ status: 'PENDING_PAYMENT', at: order.createdAt, note: PLACED_NOTE }],
    tracking: null,
    updatedAt: order.createdAt,
    sourceEventIds: new Set(),
    records: [],
  };
  const ids = new Set<string>();
  const records: TransitionDoc[] = [];
  for (const t of [...transitions].sort((a, b) => a.version - b.version)) {
    if (t.version !== state.version + 1) break;
    state.version = t.version;
    state.status = t.status;
    state.updatedAt = t.at;
    state.timeline.push({ status: t.status, at: t.at, note: t.note });
    if (t.tracking) state.tracking = { carrier: t.tracking.carrier, trackingNumber: t.tracking.trackingNumber };
    if (t.sourceEventId !== t._id) ids.add(t.sourceEventId);
    records.push(t);
  }
  state.sourceEventIds = ids;
  state.records = records;
  return state;
}

/** `SO-<UTC year>-<6 digits>` (more digits past 999 999 orders a year). */
export const orderNumber = (year: number, seq: number): string => `SO-${year}-${String(seq).padStart(6, '0')}`;

// ---- checkout input ----------------------------------------------------------------------------------

export interface AddressInput {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

export interface ContactInput {
  email: string;
  phone?: string | null;
  shippingAddress: AddressInput;
}

export interface Contact {
  email: string;
  phone: string | null;
  address: AddressDoc;
}

const MAX_FIELD = 200;
const PHONE = /^\+?[0-9 ()./-]{3,32}$/;
const blank = (v: string | null | undefined) => v === null || v === undefined || v.trim() === '';
/** Printable text: no control characters (they end up in emails, labels and PDFs). */
const printable = (v: string) => !/\p{Cc}/u.test(v);

/**
 * Checks email, phone and address and normalises them (trimmed, country upper case). Every problem is
 * reported at once, with the path of the field at fault. The email and phone rules are the event
 * contract's own, so an accepted checkout never produces an `order.placed` its consumers would reject.
 */
export function checkContact(input: ContactInput): { contact: Contact; errors: UserError[] } {
  const errors: UserError[] = [];
  const email = input.email.trim();
  if (email.length > 254 || !Email.safeParse(email).success)
    errors.push(userError('INVALID_EMAIL', 'email is not a valid address', ['input', 'email']));
  const phone = blank(input.phone) ? null : input.phone!.trim();
  if (phone !== null && (!PHONE.test(phone) || !Phone.safeParse(phone).success))
    errors.push(userError('INVALID_PHONE', 'phone must be 3–32 digits, spaces and + - ( ) . /', ['input', 'phone']));

  const a = input.shippingAddress;
  const at = (f: string) => ['input', 'shippingAddress', f];
  const required = { name: a.name, line1: a.line1, city: a.city, postalCode: a.postalCode } as const;
  for (const [field, value] of Object.entries(required)) {
    if (blank(value)) errors.push(userError('INVALID_ADDRESS', `${field} is required`, at(field)));
  }
  for (const [field, value] of Object.entries({ ...required, line2: a.line2, region: a.region })) {
    if (typeof value === 'string' && (value.length > MAX_FIELD || !printable(value)))
      errors.push(userError('INVALID_ADDRESS', `${field} must be at most ${MAX_FIELD} printable characters`, at(field)));
  }
  const country = a.country.trim().toUpperCase();
  if (!COUNTRY_CODES.has(country))
    errors.push(userError('INVALID_ADDRESS', 'country must be an ISO 3166-1 alpha-2 code such as DE or US', at('country')));

  const opt = (v: string | null | undefined) => (blank(v) ? null : v!.trim());
  return {
    contact: {
      email,
      phone,
      address: {
        name: a.name.trim(),
        line1: a.line1.trim(),
        line2: opt(a.line2),
        city: a.city.trim(),
        region: opt(a.region),
        postalCode: a.postalCode.trim(),
        country,
      },
    },
    errors,
  };
}

// ---- pricing -----------------------------------------------------------------------------------------

/** What checkout needs of a product, read live from the product service. */
export interface ProductSnapshot {
  id: string;
  sku: string;
  name: string;
  price: number;
  status: 'ACTIVE' | 'ARCHIVED';
  available: number;
}

export interface CartLine {
  productId: string;
  quantity: number;
}

export type Priced = { ok: true; lines: OrderLineDoc[]; subtotal: number; tax: number; total: number } | { ok: false; errors: UserError[] };

/**
 * The order's lines at the products' current prices (docs/design.md §3, through the shared money module).
 * Refuses products that are unknown or archived (PRODUCT_UNAVAILABLE) and lines the stock cannot cover
 * now (OUT_OF_STOCK, saying how many are left); the reservation re-checks stock atomically.
 */
export function priceOrder(lines: readonly CartLine[], products: ReadonlyMap<string, ProductSnapshot | null>, taxRateBps: number): Priced {
  const errors: UserError[] = [];
  for (const line of lines) {
    const p = products.get(line.productId);
    if (!p || p.status !== 'ACTIVE')
      errors.push(
        userError('PRODUCT_UNAVAILABLE', `product ${line.productId} is no longer sold; remove it from the cart`, ['input', 'cartId']),
      );
    else if (p.available < line.quantity) errors.push(outOfStock(line.productId, p.available, line.quantity));
  }
  if (errors.length) return { ok: false, errors };
  const snaps = lines.map((l) => products.get(l.productId)!);
  const totals = priceLines(
    lines.map((l, i) => ({ unitPrice: snaps[i]!.price, quantity: l.quantity })),
    taxRateBps,
  );
  return {
    ok: true,
    lines: lines.map((l, i) => ({
      productId: l.productId,
      sku: snaps[i]!.sku,
      name: snaps[i]!.name,
      unitPrice: snaps[i]!.price,
      quantity: l.quantity,
      lineTotal: totals.lines[i]!.lineTotal,
    })),
    subtotal: totals.subtotal,
    tax: totals.tax,
    total: totals.total,
  };
}

export const outOfStock = (productId: string, available: number, wanted: number): UserError =>
  userError('OUT_OF_STOCK', `only ${Math.max(0, available)} left of product ${productId}, ${wanted} wanted`, ['input', 'cartId']);

/** `1800000` → `30 min`, `90000` → `90 s`, `500` → `500 ms`: for notes people read. */
export function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}
