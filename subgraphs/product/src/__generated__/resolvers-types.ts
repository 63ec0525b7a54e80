import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProductDoc, CategoryDoc, MovementDoc } from '../model.js';
import type { ProductPage } from '../listing.js';
import type { ProductResult } from '../admin.js';
import type { ReservationOutcome } from '../reservations.js';
import type { AvailabilityView } from '../domain.js';
import type { ProductContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
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

/** LOW_STOCK when 0 < available <= LOW_STOCK_THRESHOLD (default 5). */
export type Availability = {
  __typename?: 'Availability';
  /** Units that can be sold now. */
  available: Scalars['Int']['output'];
  /** Coarse stock level. */
  status: AvailabilityStatus;
};

/** Coarse stock level. */
export type AvailabilityStatus =
  /** More than the low-stock threshold. */
  | 'IN_STOCK'
  /** A few left. */
  | 'LOW_STOCK'
  /** None left. */
  | 'OUT_OF_STOCK';

/** A group of products. */
export type Category = {
  __typename?: 'Category';
  /** Stable id. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** Parent category, if any. */
  parent?: Maybe<Category>;
  /** Active products in this category and its subcategories, newest first. */
  products: ProductConnection;
  /** URL name, unique. */
  slug: Scalars['String']['output'];
};


/** A group of products. */
export type CategoryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of a category mutation. */
export type CategoryPayload = {
  __typename?: 'CategoryPayload';
  /** The category created. */
  category?: Maybe<Category>;
  /** Expected failures. */
  userErrors: Array<UserError>;
};

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

/** An amount in minor units (cents) of an ISO 4217 currency. Never a float. */
export type Money = {
  __typename?: 'Money';
  /** Minor units (cents). */
  amount: Scalars['Int']['output'];
  /** ISO 4217 code of the store currency. */
  currency: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** admin: delta may be negative; the resulting balance may not. */
  adjustStock: ProductPayload;
  /** admin: hides a product from the catalog; carts and orders still resolve it. */
  archiveProduct: ProductPayload;
  /** internal (service:order, service:payment): the order exists (or is being paid); the sweeper will no longer release its reservation. */
  confirmReservation: ReservationResult;
  /** admin: adds a category. */
  createCategory: CategoryPayload;
  /** admin: adds a product (ACTIVE) with optional initial stock. */
  createProduct: ProductPayload;
  /** internal (service:order): gives an order's reserved stock back, once. */
  releaseReservation: ReservationResult;
  /** internal (service:order): reserves every line for an order, or none. Idempotent per order. */
  reserveStock: ReservationResult;
  /** admin: changes a product's details; omitted fields stay. */
  updateProduct: ProductPayload;
};


export type MutationAdjustStockArgs = {
  delta: Scalars['Int']['input'];
  productId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationArchiveProductArgs = {
  id: Scalars['ID']['input'];
};


export type MutationConfirmReservationArgs = {
  orderId: Scalars['ID']['input'];
};


export type MutationCreateCategoryArgs = {
  input: CreateCategoryInput;
};


export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


export type MutationReleaseReservationArgs = {
  orderId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationReserveStockArgs = {
  lines: Array<ReservationLineInput>;
  orderId: Scalars['ID']['input'];
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductInput;
};

/** Where a page of a connection ends. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether another page follows. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** Something the shop sells. */
export type Product = {
  __typename?: 'Product';
  /** Stock available to sell now. */
  availability: Availability;
  /** Categories the product is listed in. */
  categories: Array<Category>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Long description. */
  description: Scalars['String']['output'];
  /** Stable id. */
  id: Scalars['ID']['output'];
  /** Image URLs. */
  images: Array<Scalars['String']['output']>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** Net unit price. */
  price: Money;
  /** Stock-keeping unit, unique. */
  sku: Scalars['String']['output'];
  /** URL name, unique. */
  slug: Scalars['String']['output'];
  /** ACTIVE or ARCHIVED. */
  status: ProductStatus;
  /** admin; newest first */
  stockMovements: Array<StockMovement>;
  /** When its details last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** Something the shop sells. */
export type ProductStockMovementsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of products. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  /** The products of this page. */
  edges: Array<ProductEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many products match, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A product and its cursor. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** Opaque position of this product in the listing. */
  cursor: Scalars['String']['output'];
  /** The product. */
  node: Product;
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

/** Result of a product mutation. */
export type ProductPayload = {
  __typename?: 'ProductPayload';
  /** The product after the change (unchanged on error; null if there is none). */
  product?: Maybe<Product>;
  /** Expected failures. */
  userErrors: Array<UserError>;
};

/** internal: what a cart needs to price and check a line (and an order to snapshot it), read live. */
export type ProductSnapshot = {
  __typename?: 'ProductSnapshot';
  /** Units that can be sold now. */
  available: Scalars['Int']['output'];
  /** Product id. */
  id: Scalars['ID']['output'];
  /** Display name (the order keeps it on its line). */
  name: Scalars['String']['output'];
  /** Net unit price in minor units of the store currency. */
  price: Scalars['Int']['output'];
  /** Stock-keeping unit (the order keeps it on its line). */
  sku: Scalars['String']['output'];
  /** ACTIVE or ARCHIVED (archived products are no longer sold). */
  status: ProductStatus;
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

export type Query = {
  __typename?: 'Query';
  /** Every category, parents before children. */
  categories: Array<Category>;
  /** A category by slug. */
  category?: Maybe<Category>;
  /** A product by id or slug (exactly one). Archived products are visible to admins only. */
  product?: Maybe<Product>;
  /** internal (service:cart, service:order): current price, status and stock of each product, in the order asked, null for unknown ids; at most 500 ids. */
  productSnapshots: Array<Maybe<ProductSnapshot>>;
  /** The catalog. first: 1..100 (default 20); after: an endCursor from this connection. */
  products: ProductConnection;
};


export type QueryCategoryArgs = {
  slug: Scalars['String']['input'];
};


export type QueryProductArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type QueryProductSnapshotsArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sort?: InputMaybe<ProductSort>;
};

/** internal: one line to reserve. */
export type ReservationLineInput = {
  /** Product to reserve. */
  productId: Scalars['ID']['input'];
  /** Units, 1..10 000. */
  quantity: Scalars['Int']['input'];
};

/** internal: outcome of a reservation operation. */
export type ReservationResult = {
  __typename?: 'ReservationResult';
  /** How many units of that product were left. */
  available?: Maybe<Scalars['Int']['output']>;
  /** Why it failed: OUT_OF_STOCK, PRODUCT_NOT_FOUND, PRODUCT_UNAVAILABLE, RESERVATION_NOT_FOUND, RESERVATION_RELEASED. */
  code?: Maybe<Scalars['String']['output']>;
  /** Human-readable reason. */
  message?: Maybe<Scalars['String']['output']>;
  /** Whether the operation holds (all lines reserved / confirmed / released). */
  ok: Scalars['Boolean']['output'];
  /** The line at fault. */
  productId?: Maybe<Scalars['ID']['output']>;
  /** RESERVED, CONFIRMED, RELEASED or EXPIRED (released by the sweeper before confirmation). */
  state: Scalars['String']['output'];
};

/** One entry of a product's stock ledger. */
export type StockMovement = {
  __typename?: 'StockMovement';
  /** When it happened. */
  at: Scalars['DateTime']['output'];
  /** Units available after this movement. */
  balance: Scalars['Int']['output'];
  /** Stable id (product and version). */
  id: Scalars['ID']['output'];
  /** What moved the stock. */
  kind: StockMovementKind;
  /** The order a reservation or release belongs to. */
  orderId?: Maybe<Scalars['ID']['output']>;
  /** Signed change in units: negative for reservations. */
  quantity: Scalars['Int']['output'];
  /** Why (adjustments and releases). */
  reason?: Maybe<Scalars['String']['output']>;
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

/** An expected business failure. `code` is stable; `field` is the path of the input at fault, if any. */
export type UserError = {
  __typename?: 'UserError';
  /** Stable machine-readable code (docs/design.md §4). */
  code: Scalars['String']['output'];
  /** Path of the input at fault. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

export type Link__Purpose =
  | 'EXECUTION'
  | 'SECURITY';

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Product: Product;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Product:
    ( { __typename: 'Product' }
    & GraphQLRecursivePick<FederationTypes['Product'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Availability: ResolverTypeWrapper<AvailabilityView>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AvailabilityStatus: AvailabilityStatus;
  Category: ResolverTypeWrapper<CategoryDoc>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CategoryPayload: ResolverTypeWrapper<Omit<CategoryPayload, 'category'> & { category?: Maybe<ResolversTypes['Category']> }>;
  CreateCategoryInput: CreateCategoryInput;
  CreateProductInput: CreateProductInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  FieldSet: ResolverTypeWrapper<Scalars['FieldSet']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Product: ResolverTypeWrapper<ProductDoc>;
  ProductConnection: ResolverTypeWrapper<ProductPage>;
  ProductEdge: ResolverTypeWrapper<Omit<ProductEdge, 'node'> & { node: ResolversTypes['Product'] }>;
  ProductFilter: ProductFilter;
  ProductPayload: ResolverTypeWrapper<ProductResult>;
  ProductSnapshot: ResolverTypeWrapper<ProductSnapshot>;
  ProductSort: ProductSort;
  ProductStatus: ProductStatus;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReservationLineInput: ReservationLineInput;
  ReservationResult: ResolverTypeWrapper<ReservationOutcome>;
  StockMovement: ResolverTypeWrapper<MovementDoc>;
  StockMovementKind: StockMovementKind;
  UpdateProductInput: UpdateProductInput;
  UserError: ResolverTypeWrapper<UserError>;
  link__Import: ResolverTypeWrapper<Scalars['link__Import']['output']>;
  link__Purpose: Link__Purpose;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Availability: AvailabilityView;
  Int: Scalars['Int']['output'];
  Category: CategoryDoc;
  ID: Scalars['ID']['output'];
  CategoryPayload: Omit<CategoryPayload, 'category'> & { category?: Maybe<ResolversParentTypes['Category']> };
  CreateCategoryInput: CreateCategoryInput;
  CreateProductInput: CreateProductInput;
  DateTime: Scalars['DateTime']['output'];
  FieldSet: Scalars['FieldSet']['output'];
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Product: ProductDoc;
  ProductConnection: ProductPage;
  ProductEdge: Omit<ProductEdge, 'node'> & { node: ResolversParentTypes['Product'] };
  ProductFilter: ProductFilter;
  ProductPayload: ProductResult;
  ProductSnapshot: ProductSnapshot;
  Query: Record<PropertyKey, never>;
  ReservationLineInput: ReservationLineInput;
  ReservationResult: ReservationOutcome;
  StockMovement: MovementDoc;
  UpdateProductInput: UpdateProductInput;
  UserError: UserError;
  link__Import: Scalars['link__Import']['output'];
  Boolean: Scalars['Boolean']['output'];
  String: Scalars['String']['output'];
}>;

export type ExtendsDirectiveArgs = { };

export type ExtendsDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = ExtendsDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type InaccessibleDirectiveArgs = { };

export type InaccessibleDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = InaccessibleDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type InterfaceObjectDirectiveArgs = { };

export type InterfaceObjectDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = InterfaceObjectDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type LinkDirectiveArgs = {
  as?: Maybe<Scalars['String']['input']>;
  for?: Maybe<Link__Purpose>;
  import?: Maybe<Array<Maybe<Scalars['link__Import']['input']>>>;
  url: Scalars['String']['input'];
};

export type LinkDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = LinkDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type OverrideDirectiveArgs = {
  from: Scalars['String']['input'];
};

export type OverrideDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = OverrideDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ShareableDirectiveArgs = { };

export type ShareableDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = ShareableDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type TagDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type TagDirectiveResolver<Result, Parent, ContextType = ProductContext, Args = TagDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AvailabilityResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['Availability'] = ResolversParentTypes['Availability']> = ResolversObject<{
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AvailabilityStatus'], ParentType, ContextType>;
}>;

export type CategoryResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['Category'] = ResolversParentTypes['Category']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parent?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, RequireFields<CategoryProductsArgs, 'first'>>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CategoryPayloadResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['CategoryPayload'] = ResolversParentTypes['CategoryPayload']> = ResolversObject<{
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface FieldSetScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['FieldSet'], any> {
  name: 'FieldSet';
}

export type MoneyResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  adjustStock?: Resolver<ResolversTypes['ProductPayload'], ParentType, ContextType, RequireFields<MutationAdjustStockArgs, 'delta' | 'productId' | 'reason'>>;
  archiveProduct?: Resolver<ResolversTypes['ProductPayload'], ParentType, ContextType, RequireFields<MutationArchiveProductArgs, 'id'>>;
  confirmReservation?: Resolver<ResolversTypes['ReservationResult'], ParentType, ContextType, RequireFields<MutationConfirmReservationArgs, 'orderId'>>;
  createCategory?: Resolver<ResolversTypes['CategoryPayload'], ParentType, ContextType, RequireFields<MutationCreateCategoryArgs, 'input'>>;
  createProduct?: Resolver<ResolversTypes['ProductPayload'], ParentType, ContextType, RequireFields<MutationCreateProductArgs, 'input'>>;
  releaseReservation?: Resolver<ResolversTypes['ReservationResult'], ParentType, ContextType, RequireFields<MutationReleaseReservationArgs, 'orderId' | 'reason'>>;
  reserveStock?: Resolver<ResolversTypes['ReservationResult'], ParentType, ContextType, RequireFields<MutationReserveStockArgs, 'lines' | 'orderId'>>;
  updateProduct?: Resolver<ResolversTypes['ProductPayload'], ParentType, ContextType, RequireFields<MutationUpdateProductArgs, 'id' | 'input'>>;
}>;

export type PageInfoResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'], FederationReferenceType extends FederationReferenceTypes['Product'] = FederationReferenceTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']> | FederationReferenceType, FederationReferenceType, ContextType>;
  availability?: Resolver<ResolversTypes['Availability'], ParentType, ContextType>;
  categories?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ProductStatus'], ParentType, ContextType>;
  stockMovements?: Resolver<Array<ResolversTypes['StockMovement']>, ParentType, ContextType, RequireFields<ProductStockMovementsArgs, 'first'>>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type ProductConnectionResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['ProductConnection'] = ResolversParentTypes['ProductConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ProductEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ProductEdgeResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['ProductEdge'] = ResolversParentTypes['ProductEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
}>;

export type ProductPayloadResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['ProductPayload'] = ResolversParentTypes['ProductPayload']> = ResolversObject<{
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type ProductSnapshotResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['ProductSnapshot'] = ResolversParentTypes['ProductSnapshot']> = ResolversObject<{
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ProductStatus'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  categories?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType, RequireFields<QueryCategoryArgs, 'slug'>>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType, Partial<QueryProductArgs>>;
  productSnapshots?: Resolver<Array<Maybe<ResolversTypes['ProductSnapshot']>>, ParentType, ContextType, RequireFields<QueryProductSnapshotsArgs, 'ids'>>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, RequireFields<QueryProductsArgs, 'first' | 'sort'>>;
}>;

export type ReservationResultResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['ReservationResult'] = ResolversParentTypes['ReservationResult']> = ResolversObject<{
  available?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  productId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type StockMovementResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['StockMovement'] = ResolversParentTypes['StockMovement']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  balance?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['StockMovementKind'], ParentType, ContextType>;
  orderId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type UserErrorResolvers<ContextType = ProductContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface Link__ImportScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['link__Import'], any> {
  name: 'link__Import';
}

export type Resolvers<ContextType = ProductContext> = ResolversObject<{
  Availability?: AvailabilityResolvers<ContextType>;
  Category?: CategoryResolvers<ContextType>;
  CategoryPayload?: CategoryPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  FieldSet?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductConnection?: ProductConnectionResolvers<ContextType>;
  ProductEdge?: ProductEdgeResolvers<ContextType>;
  ProductPayload?: ProductPayloadResolvers<ContextType>;
  ProductSnapshot?: ProductSnapshotResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReservationResult?: ReservationResultResolvers<ContextType>;
  StockMovement?: StockMovementResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
  link__Import?: GraphQLScalarType;
}>;

export type DirectiveResolvers<ContextType = ProductContext> = ResolversObject<{
  extends?: ExtendsDirectiveResolver<any, any, ContextType>;
  inaccessible?: InaccessibleDirectiveResolver<any, any, ContextType>;
  interfaceObject?: InterfaceObjectDirectiveResolver<any, any, ContextType>;
  link?: LinkDirectiveResolver<any, any, ContextType>;
  override?: OverrideDirectiveResolver<any, any, ContextType>;
  shareable?: ShareableDirectiveResolver<any, any, ContextType>;
  tag?: TagDirectiveResolver<any, any, ContextType>;
}>;
