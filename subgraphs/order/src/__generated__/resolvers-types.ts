import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { OrderState, OrderLineView, TimelineEntry } from '../domain.js';
import type { OrderPage } from '../listing.js';
import type { OrderResult } from '../orders.js';
import type { OrderContext } from '../context.js';
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

/** A postal address. */
export type Address = {
  __typename?: 'Address';
  /** City or town. */
  city: Scalars['String']['output'];
  /** ISO 3166-1 alpha-2 country code, upper case. */
  country: Scalars['String']['output'];
  /** Street and number. */
  line1: Scalars['String']['output'];
  /** Flat, floor, building. */
  line2?: Maybe<Scalars['String']['output']>;
  /** Recipient. */
  name: Scalars['String']['output'];
  /** Postal or ZIP code. */
  postalCode: Scalars['String']['output'];
  /** State, province or county. */
  region?: Maybe<Scalars['String']['output']>;
};

/** country: ISO 3166-1 alpha-2. */
export type AddressInput = {
  /** City or town, required. */
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2 country code (e.g. DE, US); any case. */
  country: Scalars['String']['input'];
  /** Street and number, required. */
  line1: Scalars['String']['input'];
  /** Flat, floor, building. */
  line2?: InputMaybe<Scalars['String']['input']>;
  /** Recipient, required. */
  name: Scalars['String']['input'];
  /** Postal or ZIP code, required. */
  postalCode: Scalars['String']['input'];
  /** State, province or county. */
  region?: InputMaybe<Scalars['String']['input']>;
};

/** What checkout needs besides the cart. */
export type CheckoutInput = {
  /** The ACTIVE cart to buy (UUID). */
  cartId: Scalars['ID']['input'];
  /** Where confirmations go; a valid address. */
  email: Scalars['String']['input'];
  /** Chosen by the client, 1..200 characters: repeating a checkout of the same cart with the same key returns the same order, never a second one. */
  idempotencyKey: Scalars['String']['input'];
  /** Optional, for SMS about the order: 3..32 characters of digits, spaces, +, -, (, ), . */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Where the order goes. */
  shippingAddress: AddressInput;
};

/** Result of checkout. */
export type CheckoutPayload = {
  __typename?: 'CheckoutPayload';
  /** The order (null when checkout was refused). */
  order?: Maybe<Order>;
  /** Expected failures: CART_NOT_FOUND, CART_NOT_ACTIVE, CART_EMPTY, OUT_OF_STOCK, PRODUCT_UNAVAILABLE, TOO_MANY_LINES, INVALID_EMAIL, INVALID_PHONE, INVALID_ADDRESS. */
  userErrors: Array<UserError>;
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
  /** Cancels an order that is PENDING_PAYMENT or PAID (a paid order is refunded in full); its stock goes back. Otherwise ORDER_NOT_CANCELLABLE. */
  cancelOrder: OrderPayload;
  /** Turns an ACTIVE cart into an order awaiting payment: validates products, prices and stock, reserves the stock (all lines or none) and marks the cart CHECKED_OUT. The same idempotencyKey (for the same cart) returns the same order. */
  checkout: CheckoutPayload;
  /** admin: a SHIPPED order arrived (DELIVERED). Otherwise INVALID_TRANSITION. */
  markOrderDelivered: OrderPayload;
  /** admin: hands a PAID order to a carrier (SHIPPED). Otherwise INVALID_TRANSITION. */
  shipOrder: OrderPayload;
};


export type MutationCancelOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCheckoutArgs = {
  input: CheckoutInput;
};


export type MutationMarkOrderDeliveredArgs = {
  id: Scalars['ID']['input'];
};


export type MutationShipOrderArgs = {
  carrier: Scalars['String']['input'];
  id: Scalars['ID']['input'];
  trackingNumber: Scalars['String']['input'];
};

/** A placed order: what was bought at which price, where it goes, and where it is in its life. */
export type Order = {
  __typename?: 'Order';
  /** When the order was placed. */
  createdAt: Scalars['DateTime']['output'];
  /** internal: the owning customer's subject; null for guest orders. */
  customerId?: Maybe<Scalars['ID']['output']>;
  /** Where confirmations go. */
  email: Scalars['String']['output'];
  /** Random UUID: whoever holds the id of a guest order may see it. */
  id: Scalars['ID']['output'];
  /** The lines as bought, with the prices of the moment of checkout. */
  lines: Array<OrderLine>;
  /** SO-<UTC year>-<6 digits>, unique, increasing within a year */
  number: Scalars['String']['output'];
  /** For SMS about the order, if given. */
  phone?: Maybe<Scalars['String']['output']>;
  /** Where the order goes. */
  shippingAddress: Address;
  /** Current status: the newest entry of the timeline. */
  status: OrderStatus;
  /** Sum of the line totals, net. */
  subtotal: Money;
  /** TAX_RATE_BPS of each line total, rounded half-up per line, summed. */
  tax: Money;
  /** oldest first */
  timeline: Array<OrderEvent>;
  /** subtotal + tax: the amount to pay. */
  total: Money;
  /** Carrier and tracking number once SHIPPED. */
  tracking?: Maybe<Tracking>;
  /** When its status last changed (or a note was added). */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of orders. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The orders of this page. */
  edges: Array<OrderEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many orders match, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An order and its cursor. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** Opaque position of this order in the listing. */
  cursor: Scalars['String']['output'];
  /** The order. */
  node: Order;
};

/** An entry of an order's timeline: a status change, or a note (e.g. a refund) with the status unchanged. */
export type OrderEvent = {
  __typename?: 'OrderEvent';
  /** When it happened. */
  at: Scalars['DateTime']['output'];
  /** Why, or what happened (cancellation reason, carrier, refund). */
  note?: Maybe<Scalars['String']['output']>;
  /** The order's status from this entry on. */
  status: OrderStatus;
};

/** A line of an order: a snapshot taken at checkout. */
export type OrderLine = {
  __typename?: 'OrderLine';
  /** unitPrice × quantity, net. */
  lineTotal: Money;
  /** The product's name at checkout. */
  name: Scalars['String']['output'];
  /** The product (resolved by the product subgraph; archived products still resolve). */
  product: Product;
  /** Units bought. */
  quantity: Scalars['Int']['output'];
  /** The product's SKU at checkout. */
  sku: Scalars['String']['output'];
  /** Net unit price at checkout. */
  unitPrice: Money;
};

/** Result of an order mutation. */
export type OrderPayload = {
  __typename?: 'OrderPayload';
  /** The order after the change (unchanged on error; null if there is none or it is not yours). */
  order?: Maybe<Order>;
  /** Expected failures: ORDER_NOT_FOUND, ORDER_NOT_CANCELLABLE, INVALID_TRANSITION. */
  userErrors: Array<UserError>;
};

/** Where an order is in its life: PENDING_PAYMENT → PAID → SHIPPED → DELIVERED, or CANCELLED from PENDING_PAYMENT or PAID. */
export type OrderStatus =
  /** Cancelled by the customer, an admin or the payment timeout; the stock went back. */
  | 'CANCELLED'
  /** Arrived. */
  | 'DELIVERED'
  /** Paid in full. */
  | 'PAID'
  /** Placed, stock reserved, waiting for payment (cancelled after ORDER_PAYMENT_TIMEOUT). */
  | 'PENDING_PAYMENT'
  /** Handed to a carrier. */
  | 'SHIPPED';

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
  /** Stable id. */
  id: Scalars['ID']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Signed-in only: the caller's orders, newest first. first: 1..100 (default 20); after: an endCursor from this connection. */
  myOrders: OrderConnection;
  /** An order by id: guest orders for whoever holds the id, a customer's order for that customer (and admins). Null when it does not exist or is not yours. */
  order?: Maybe<Order>;
  /** admin: every order, newest first, optionally only those whose current status is `status`. */
  orders: OrderConnection;
};


export type QueryMyOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
};

/** How a shipped order travels. */
export type Tracking = {
  __typename?: 'Tracking';
  /** Carrier name, e.g. DHL. */
  carrier: Scalars['String']['output'];
  /** The carrier's tracking number. */
  trackingNumber: Scalars['String']['output'];
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
  Order: Order;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Order:
    ( { __typename: 'Order' }
    & GraphQLRecursivePick<FederationTypes['Order'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Address: ResolverTypeWrapper<Address>;
  AddressInput: AddressInput;
  CheckoutInput: CheckoutInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CheckoutPayload: ResolverTypeWrapper<OrderResult>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  FieldSet: ResolverTypeWrapper<Scalars['FieldSet']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<OrderState>;
  OrderConnection: ResolverTypeWrapper<OrderPage>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderEvent: ResolverTypeWrapper<TimelineEntry>;
  OrderLine: ResolverTypeWrapper<OrderLineView>;
  OrderPayload: ResolverTypeWrapper<OrderResult>;
  OrderStatus: OrderStatus;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Product: ResolverTypeWrapper<Product>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Tracking: ResolverTypeWrapper<Tracking>;
  UserError: ResolverTypeWrapper<UserError>;
  link__Import: ResolverTypeWrapper<Scalars['link__Import']['output']>;
  link__Purpose: Link__Purpose;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Address: Address;
  AddressInput: AddressInput;
  CheckoutInput: CheckoutInput;
  ID: Scalars['ID']['output'];
  CheckoutPayload: OrderResult;
  DateTime: Scalars['DateTime']['output'];
  FieldSet: Scalars['FieldSet']['output'];
  Money: Money;
  Int: Scalars['Int']['output'];
  Mutation: Record<PropertyKey, never>;
  Order: OrderState;
  OrderConnection: OrderPage;
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderEvent: TimelineEntry;
  OrderLine: OrderLineView;
  OrderPayload: OrderResult;
  PageInfo: PageInfo;
  Product: Product;
  Query: Record<PropertyKey, never>;
  Tracking: Tracking;
  UserError: UserError;
  link__Import: Scalars['link__Import']['output'];
  Boolean: Scalars['Boolean']['output'];
  String: Scalars['String']['output'];
}>;

export type ExtendsDirectiveArgs = { };

export type ExtendsDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = ExtendsDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type InaccessibleDirectiveArgs = { };

export type InaccessibleDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = InaccessibleDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type InterfaceObjectDirectiveArgs = { };

export type InterfaceObjectDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = InterfaceObjectDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type LinkDirectiveArgs = {
  as?: Maybe<Scalars['String']['input']>;
  for?: Maybe<Link__Purpose>;
  import?: Maybe<Array<Maybe<Scalars['link__Import']['input']>>>;
  url: Scalars['String']['input'];
};

export type LinkDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = LinkDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type OverrideDirectiveArgs = {
  from: Scalars['String']['input'];
};

export type OverrideDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = OverrideDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ShareableDirectiveArgs = { };

export type ShareableDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = ShareableDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type TagDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type TagDirectiveResolver<Result, Parent, ContextType = OrderContext, Args = TagDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AddressResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = ResolversObject<{
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  country?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type CheckoutPayloadResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['CheckoutPayload'] = ResolversParentTypes['CheckoutPayload']> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface FieldSetScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['FieldSet'], any> {
  name: 'FieldSet';
}

export type MoneyResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelOrder?: Resolver<ResolversTypes['OrderPayload'], ParentType, ContextType, RequireFields<MutationCancelOrderArgs, 'id'>>;
  checkout?: Resolver<ResolversTypes['CheckoutPayload'], ParentType, ContextType, RequireFields<MutationCheckoutArgs, 'input'>>;
  markOrderDelivered?: Resolver<ResolversTypes['OrderPayload'], ParentType, ContextType, RequireFields<MutationMarkOrderDeliveredArgs, 'id'>>;
  shipOrder?: Resolver<ResolversTypes['OrderPayload'], ParentType, ContextType, RequireFields<MutationShipOrderArgs, 'carrier' | 'id' | 'trackingNumber'>>;
}>;

export type OrderResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  customerId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['OrderLine']>, ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  shippingAddress?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  subtotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  tax?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  timeline?: Resolver<Array<ResolversTypes['OrderEvent']>, ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  tracking?: Resolver<Maybe<ResolversTypes['Tracking']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type OrderConnectionResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type OrderEdgeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
}>;

export type OrderEventResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderEvent'] = ResolversParentTypes['OrderEvent']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
}>;

export type OrderLineResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderLine'] = ResolversParentTypes['OrderLine']> = ResolversObject<{
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sku?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type OrderPayloadResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderPayload'] = ResolversParentTypes['OrderPayload']> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  myOrders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, RequireFields<QueryMyOrdersArgs, 'first'>>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderArgs, 'id'>>;
  orders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, RequireFields<QueryOrdersArgs, 'first'>>;
}>;

export type TrackingResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Tracking'] = ResolversParentTypes['Tracking']> = ResolversObject<{
  carrier?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  trackingNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type UserErrorResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface Link__ImportScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['link__Import'], any> {
  name: 'link__Import';
}

export type Resolvers<ContextType = OrderContext> = ResolversObject<{
  Address?: AddressResolvers<ContextType>;
  CheckoutPayload?: CheckoutPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  FieldSet?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderEvent?: OrderEventResolvers<ContextType>;
  OrderLine?: OrderLineResolvers<ContextType>;
  OrderPayload?: OrderPayloadResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Tracking?: TrackingResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
  link__Import?: GraphQLScalarType;
}>;

export type DirectiveResolvers<ContextType = OrderContext> = ResolversObject<{
  extends?: ExtendsDirectiveResolver<any, any, ContextType>;
  inaccessible?: InaccessibleDirectiveResolver<any, any, ContextType>;
  interfaceObject?: InterfaceObjectDirectiveResolver<any, any, ContextType>;
  link?: LinkDirectiveResolver<any, any, ContextType>;
  override?: OverrideDirectiveResolver<any, any, ContextType>;
  shareable?: ShareableDirectiveResolver<any, any, ContextType>;
  tag?: TagDirectiveResolver<any, any, ContextType>;
}>;
