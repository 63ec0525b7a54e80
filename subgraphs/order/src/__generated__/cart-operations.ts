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

/** A product and how many of it. */
export type CartLineInput = {
  /** Product id (24 hex digits). */
  productId: Scalars['ID']['input'];
  /** Units: 1..MAX_LINE_QUANTITY (default 99); in updateCartLines 0 removes the line. */
  quantity: Scalars['Int']['input'];
};

/** Where a cart is in its life; every state but ACTIVE is final. */
export type CartStatus =
  /** Can be changed and checked out. */
  | 'ACTIVE'
  /** Became an order. */
  | 'CHECKED_OUT'
  /** Untouched for CART_TTL. */
  | 'EXPIRED'
  /** Claimed by a customer and merged into their cart. */
  | 'MERGED';

/** What a new cart starts with. */
export type CreateCartInput = {
  /** Lines to add, validated like addCartLines. */
  lines?: InputMaybe<Array<CartLineInput>>;
};

export type Link__Purpose =
  | 'EXECUTION'
  | 'SECURITY';

export type OrderReadsCartQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrderReadsCartQuery = { cart: { id: string, status: CartStatus, customerId: string | null, lines: Array<{ quantity: number, product: { id: string } }> } | null };

export type OrderMarksCartMutationVariables = Exact<{
  cartId: Scalars['ID']['input'];
  orderId: Scalars['ID']['input'];
}>;


export type OrderMarksCartMutation = { markCartCheckedOut: { cart: { status: CartStatus } | null, userErrors: Array<{ code: string, message: string, field: Array<string> | null }> } };


export const OrderReadsCartDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrderReadsCart"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cart"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}}]}}]}}]} as unknown as DocumentNode<OrderReadsCartQuery, OrderReadsCartQueryVariables>;
export const OrderMarksCartDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"OrderMarksCart"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cartId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markCartCheckedOut"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cartId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cartId"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cart"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<OrderMarksCartMutation, OrderMarksCartMutationVariables>;