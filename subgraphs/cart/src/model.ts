import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Cart service collections. Indexes are declared here and created by `ensureIndexes` at start-up
 * (never autoIndex), and only kinds both MongoDB and FerretDB support (docs/design.md §6).
 *
 * A cart is a header written once plus an append-only log of versioned changes; its current state is
 * the newest change. Nothing a request does updates a document in place (see store.ts for why).
 */

export type CartStatus = 'ACTIVE' | 'CHECKED_OUT' | 'MERGED' | 'EXPIRED';

/** One line of a cart: one per product, in the order products were first added. */
export interface LineState {
  /** The product's id (24 hex digits); products belong to the product service. */
  productId: string;
  quantity: number;
}

/**
 * Written once when the cart is created. `slot` is the customer's n-th cart (`c:<sub>:<n>`) or
 * `g:<cartId>` for a guest cart: its unique index is what lets only one of several concurrent
 * `createCart` calls of a customer create their next cart, so a customer has at most one ACTIVE cart.
 */
export interface CartDoc {
  _id: string;
  ownerId: string | null;
  /** 1, 2, … for a customer's successive carts; 0 for guest carts. */
  generation: number;
  slot: string;
  createdAt: Date;
  expiresAt: Date;
  /** Written only by the sweeper, once the cart is final and settled (one writer per mutable field). */
  sweptAt: Date | null;
  /** True until the sweeper settles the cart: what a sweep finds open carts by (kit's SweepMarks). */
  unswept: boolean;
}

export type ChangeKind = 'LINES' | 'MERGE_IN' | 'STATUS';

/**
 * One change of a cart. `_id` is `<cartId>:<version>`: two writers of the same version collide on
 * insert, atomically on both databases, and the loser re-reads and retries. Each record carries what
 * changed (`changes`, signed quantity deltas per product) and the state after it (`lines`, `status`),
 * like a ledger entry with its running balance. `dedupeKey` (unique, never missing) makes a merge of
 * a guest cart happen at most once, whichever cart it lands in.
 */
export interface ChangeDoc {
  _id: string;
  cartId: string;
  version: number;
  kind: ChangeKind;
  changes: { productId: string; delta: number }[];
  lines: LineState[];
  status: CartStatus;
  /** MERGED: the claimant's cart at the time of the claim, and the claimant; CHECKED_OUT: the order. */
  mergedInto: string | null;
  mergedBy: string | null;
  orderId: string | null;
  dedupeKey: string;
  at: Date;
  /** Last line change plus CART_TTL; status changes carry it forward. */
  expiresAt: Date;
}

/**
 * Best-effort pointer to a cart's newest version, so reads need not scan the log. It may lag behind
 * (FerretDB updates are not atomic); readers probe the next versions, so the log stays the truth.
 */
export interface HeadDoc {
  _id: string;
  version: number;
}

const lineSchema = new Schema<LineState>(
  { productId: { type: String, required: true }, quantity: { type: Number, required: true } },
  { _id: false },
);

const cartSchema = new Schema<CartDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, default: null },
    generation: { type: Number, required: true },
    slot: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    sweptAt: { type: Date, default: null },
    unswept: { type: Boolean, required: true },
  },
  { versionKey: false, autoIndex: false },
);
cartSchema.index({ slot: 1 }, { unique: true });
cartSchema.index({ ownerId: 1, generation: -1 });
cartSchema.index({ unswept: 1, createdAt: 1 });

const changeSchema = new Schema<ChangeDoc>(
  {
    _id: { type: String, required: true },
    cartId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    kind: { type: String, enum: ['LINES', 'MERGE_IN', 'STATUS'], required: true },
    changes: [{ _id: false, productId: { type: String, required: true }, delta: { type: Number, required: true } }],
    lines: { type: [lineSchema], default: [] },
    status: { type: String, enum: ['ACTIVE', 'CHECKED_OUT', 'MERGED', 'EXPIRED'], required: true },
    mergedInto: { type: String, default: null },
    mergedBy: { type: String, default: null },
    orderId: { type: String, default: null },
    dedupeKey: { type: String, required: true },
    at: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);
changeSchema.index({ dedupeKey: 1 }, { unique: true });
changeSchema.index({ cartId: 1, version: -1 });

const headSchema = new Schema<HeadDoc>(
  { _id: { type: String, required: true }, version: { type: Number, required: true } },
  { versionKey: false, autoIndex: false },
);

export interface CartModels {
  Cart: Model<CartDoc>;
  Change: Model<ChangeDoc>;
  Head: Model<HeadDoc>;
}

export function createModels(conn: Connection): CartModels {
  return {
    Cart: conn.model<CartDoc>('Cart', cartSchema, 'carts'),
    Change: conn.model<ChangeDoc>('CartChange', changeSchema, 'cart_changes'),
    Head: conn.model<HeadDoc>('CartHead', headSchema, 'cart_heads'),
  };
}

export const allModels = (m: CartModels) => Object.values(m) as Model<never>[];
