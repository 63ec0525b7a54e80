import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** A typed operation sent to `url` (the gateway) as a client sends it; throws on GraphQL errors. */
export async function gatewayOperation<TData, TVars>(
  url: string,
  doc: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  headers: Record<string, string>,
): Promise<TData> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as { data?: TData; errors?: unknown[] };
  if (res.status !== 200 || body.errors || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body.data;
}
