import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO-8601 instant in UTC, e.g. 2026-11-25T19:46:24.000Z */
  DateTime: { input: string; output: string; }
  FieldSet: { input: string; output: string; }
  link__Import: { input: string; output: string; }
};

/** Coarse stock level. */
export type AvailabilityStatus =
  /** More than the low-stock threshold. */
  | 'IN_STOCK'
  /** A few left. */
  | 'LOW_STOCK'
  /** None left. */
  | 'OUT_OF_STOCK';

/** A new category. */
export type CreateCategoryInput = {
  /** Display name. */
  name: Scalars['String']['input'];
  /** Slug of an existing parent category. */
  parentSlug?: InputMaybe<Scalars['String']['input']>;
  /** URL name: lower-case letters, digits and dashes. */
  slug: Scalars['String']['input'];
};

/** A new product. */
export type CreateProductInput = {
  /** Existing category slugs. */
  categorySlugs: Array<Scalars['String']['input']>;
  /** Description, up to 5000 characters. */
  description: Scalars['String']['input'];
  /** Image URLs (http/https), at most 20. */
  images?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Units in stock at creation (default 0). */
  initialStock?: InputMaybe<Scalars['Int']['input']>;
  /** Display name, 1..200 characters. */
  name: Scalars['String']['input'];
  /** Net unit price in minor units, 0..100 000 000. */
  price: Scalars['Int']['input'];
  /** Unique stock-keeping unit: 1..64 of A-Z, 0-9, '-', '_'. */
  sku: Scalars['String']['input'];
  /** URL name; derived from the name when omitted. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Catalog filters; all given conditions must hold. */
export type ProductFilter = {
  /** Category slug; includes its subcategories. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Only products with available stock. */
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Maximum net price in minor units. */
  maxPrice?: InputMaybe<Scalars['Int']['input']>;
  /** Minimum net price in minor units. */
  minPrice?: InputMaybe<Scalars['Int']['input']>;
  /** Words that must all appear (prefix match) in name, SKU, description or category; at most 200 characters. */
  search?: InputMaybe<Scalars['String']['input']>;
};

/** Catalog orderings. */
export type ProductSort =
  /** Alphabetical by name. */
  | 'NAME_ASC'
  /** Newest first. */
  | 'NEWEST'
  /** Cheapest first. */
  | 'PRICE_ASC'
  /** Most expensive first. */
  | 'PRICE_DESC';

/** Whether a product is sold. */
export type ProductStatus =
  /** Listed and sellable. */
  | 'ACTIVE'
  /** Hidden from the catalog. */
  | 'ARCHIVED';

/** internal: one line to reserve. */
export type ReservationLineInput = {
  /** Product to reserve. */
  productId: Scalars['ID']['input'];
  /** Units, 1..10 000. */
  quantity: Scalars['Int']['input'];
};

/** Kinds of stock movement. */
export type StockMovementKind =
  /** Manual change by an admin (deliveries, counts, damage). */
  | 'ADJUSTMENT'
  /** Units given back by an order. */
  | 'RELEASE'
  /** Units held for an order. */
  | 'RESERVATION';

/** Changes to a product; omitted fields stay as they are. */
export type UpdateProductInput = {
  /** Existing category slugs (replaces the list). */
  categorySlugs?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Description, up to 5000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Image URLs (replaces the list). */
  images?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Display name, 1..200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Net unit price in minor units, 0..100 000 000. */
  price?: InputMaybe<Scalars['Int']['input']>;
  /** New URL name. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

export type Link__Purpose =
  | 'EXECUTION'
  | 'SECURITY';

export type PaymentHoldsStockMutationVariables = Exact<{
  orderId: Scalars['ID']['input'];
}>;


export type PaymentHoldsStockMutation = { confirmReservation: { ok: boolean, state: string, code: string | null, message: string | null } };


export const PaymentHoldsStockDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PaymentHoldsStock"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmReservation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<PaymentHoldsStockMutation, PaymentHoldsStockMutationVariables>;