import { Schema, type Types, type Connection, type Model } from 'mongoose';
import { createOutboxModel, outboxFields, type OutboxDoc } from '@shop/events';

/**
 * Product service collections. Indexes are declared here and created by `ensureIndexes` at start-up
 * (never autoIndex), and only kinds both MongoDB and FerretDB support (docs/design.md §6).
 */

export interface CategoryDoc {
  _id: Types.ObjectId;
  slug: string;
  name: string;
  parentId: Types.ObjectId | null;
  /** This category and its ancestors' ids, so a listing by category includes subcategories. */
  path: Types.ObjectId[];
  createdAt: Date;
}

export type ProductStatus = 'ACTIVE' | 'ARCHIVED';

export interface ProductDoc {
  _id: Types.ObjectId;
  sku: string;
  slug: string;
  name: string;
  /** Lower-cased, accent-free name for NAME_ASC (no collation on FerretDB). */
  nameKey: string;
  description: string;
  /** Net unit price in minor units. */
  price: number;
  /** Every category the product is in, with their ancestors (for subcategory listings). */
  categoryIds: Types.ObjectId[];
  categoryPath: Types.ObjectId[];
  images: string[];
  status: ProductStatus;
  /** Normalised words of name, SKU, description and categories; search is a prefix match on them (no $text). */
  searchText: string;
  createdAt: Date;
  updatedAt: Date;
  /**
   * The newest product revision this copy shows (absent on documents written before revisions: 0).
   * The revisions are the truth; this document is their denormalised copy for fast reads.
   */
  version?: number;
}

/** A product's fields as a revision records them. */
export type ProductState = Omit<ProductDoc, '_id' | 'version'>;

export type ProductChange = 'CREATED' | 'UPDATED' | 'ARCHIVED' | 'SLUG_REFUSED';

/**
 * One admin change of a product (docs/design.md §6). `_id` is `<productId>:<version>`: of two concurrent
 * changes decided on the same version exactly one insert succeeds, on FerretDB as on MongoDB; the
 * loser decides again on the newer state. `state` is the whole product after the change.
 */
export interface ProductRevisionDoc {
  _id: string;
  productId: Types.ObjectId;
  version: number;
  change: ProductChange;
  /** The fields the change set. */
  fields: string[];
  /** SLUG_REFUSED only: the slug the unique index refused (another product took it first). */
  refusedSlug: string | null;
  state: ProductState;
  at: Date;
  /** Its `shop.product.changed.v1` (the revision is its own outbox entry); absent on revisions written before events. */
  event?: unknown;
  /** Set by the outbox relay only. */
  publishedAt?: Date | null;
}

export type MovementKind = 'RESERVATION' | 'RELEASE' | 'ADJUSTMENT';

/**
 * One entry of the stock ledger. `_id` is `<productId>:<version>`: the unique key that makes two
 * concurrent writers of the same version collide, atomically, on both databases. `dedupeKey` makes
 * an order's reservation or release of a product happen at most once.
 */
export interface MovementDoc {
  _id: string;
  productId: Types.ObjectId;
  version: number;
  kind: MovementKind;
  quantity: number;
  balance: number;
  orderId: string | null;
  reason: string | null;
  dedupeKey: string;
  at: Date;
}

/**
 * Best-effort pointer to a product's newest movement, so reads need not scan the ledger. It may lag
 * behind (FerretDB updates are not atomic); readers probe the next versions, so the ledger stays the truth.
 */
export interface StockHeadDoc {
  _id: Types.ObjectId;
  version: number;
  balance: number;
}

/** An order's reservation request, written once; its state is derived from movements and decisions. */
export interface ReservationDoc {
  _id: string;
  lines: { productId: Types.ObjectId; quantity: number }[];
  createdAt: Date;
  /** Written only by the sweeper, once it has settled the reservation (released or found confirmed). */
  sweptAt: Date | null;
  /** True until the sweeper settles the reservation: what a sweep finds open ones by (kit's SweepMarks). */
  unswept: boolean;
}

/** The first of CONFIRMED (order.placed seen) or EXPIRED (sweeper) wins: `_id` is the order id. */
export interface ReservationDecisionDoc {
  _id: string;
  decision: 'CONFIRMED' | 'EXPIRED';
  at: Date;
}

const categorySchema = new Schema<CategoryDoc>(
  {
    slug: { type: String, required: true },
    name: { type: String, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null },
    path: { type: [Schema.Types.ObjectId], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);
categorySchema.index({ slug: 1 }, { unique: true });

const productSchema = new Schema<ProductDoc>(
  {
    sku: { type: String, required: true },
    slug: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    description: { type: String, default: '' },
    price: { type: Number, required: true },
    categoryIds: { type: [Schema.Types.ObjectId], default: [] },
    categoryPath: { type: [Schema.Types.ObjectId], default: [] },
    images: { type: [String], default: [] },
    status: { type: String, enum: ['ACTIVE', 'ARCHIVED'], required: true },
    searchText: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number },
  },
  { versionKey: false, autoIndex: false },
);
productSchema.index({ sku: 1 }, { unique: true });
productSchema.index({ slug: 1 }, { unique: true });
productSchema.index({ status: 1, createdAt: -1, _id: -1 });
productSchema.index({ status: 1, price: 1, _id: 1 });
productSchema.index({ status: 1, nameKey: 1, _id: 1 });
productSchema.index({ categoryPath: 1 });

const revisionSchema = new Schema<ProductRevisionDoc>(
  {
    _id: { type: String, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    change: { type: String, enum: ['CREATED', 'UPDATED', 'ARCHIVED', 'SLUG_REFUSED'], required: true },
    fields: { type: [String], default: [] },
    refusedSlug: { type: String, default: null },
    state: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false },
);

revisionSchema.index({ unpublished: 1, at: 1 });

const movementSchema = new Schema<MovementDoc>(
  {
    _id: { type: String, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    kind: { type: String, enum: ['RESERVATION', 'RELEASE', 'ADJUSTMENT'], required: true },
    quantity: { type: Number, required: true },
    balance: { type: Number, required: true, min: 0 },
    orderId: { type: String, default: null },
    reason: { type: String, default: null },
    dedupeKey: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);
movementSchema.index({ dedupeKey: 1 }, { unique: true });
movementSchema.index({ productId: 1, version: -1 });
movementSchema.index({ orderId: 1 });

const stockHeadSchema = new Schema<StockHeadDoc>(
  { version: { type: Number, required: true }, balance: { type: Number, required: true } },
  { versionKey: false, autoIndex: false },
);

const reservationSchema = new Schema<ReservationDoc>(
  {
    _id: { type: String, required: true },
    lines: [{ _id: false, productId: { type: Schema.Types.ObjectId, required: true }, quantity: { type: Number, required: true } }],
    createdAt: { type: Date, required: true },
    sweptAt: { type: Date, default: null },
    unswept: { type: Boolean, required: true },
  },
  { versionKey: false, autoIndex: false },
);
reservationSchema.index({ unswept: 1, createdAt: 1 });

const decisionSchema = new Schema<ReservationDecisionDoc>(
  {
    _id: { type: String, required: true },
    decision: { type: String, enum: ['CONFIRMED', 'EXPIRED'], required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);

export interface ProductModels {
  Category: Model<CategoryDoc>;
  Product: Model<ProductDoc>;
  Revision: Model<ProductRevisionDoc>;
  Movement: Model<MovementDoc>;
  StockHead: Model<StockHeadDoc>;
  Reservation: Model<ReservationDoc>;
  ReservationDecision: Model<ReservationDecisionDoc>;
  /** Events that are not carried by a revision: `shop.product.stock-changed.v1` (in-stock flag flips). */
  Outbox: Model<OutboxDoc>;
}

export function createModels(conn: Connection): ProductModels {
  return {
    Category: conn.model<CategoryDoc>('Category', categorySchema, 'categories'),
    Product: conn.model<ProductDoc>('Product', productSchema, 'products'),
    Revision: conn.model<ProductRevisionDoc>('ProductRevision', revisionSchema, 'product_revisions'),
    Movement: conn.model<MovementDoc>('StockMovement', movementSchema, 'stock_movements'),
    StockHead: conn.model<StockHeadDoc>('StockHead', stockHeadSchema, 'stock_heads'),
    Reservation: conn.model<ReservationDoc>('Reservation', reservationSchema, 'reservations'),
    ReservationDecision: conn.model<ReservationDecisionDoc>('ReservationDecision', decisionSchema, 'reservation_decisions'),
    Outbox: createOutboxModel(conn, 'product_outbox', 'ProductOutbox'),
  };
}

export const allModels = (m: ProductModels) => Object.values(m) as Model<never>[];
