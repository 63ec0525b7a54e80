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

export type Link__Purpose =
  | 'EXECUTION'
  | 'SECURITY';

export type PaymentReadsOrderQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PaymentReadsOrderQuery = { order: { id: string, status: OrderStatus, customerId: string | null, total: { amount: number, currency: string } } | null };


export const PaymentReadsOrderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PaymentReadsOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"customerId"}}]}}]}}]} as unknown as DocumentNode<PaymentReadsOrderQuery, PaymentReadsOrderQueryVariables>;