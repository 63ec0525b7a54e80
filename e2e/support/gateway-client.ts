import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig as gatewayConfig, signDevToken } from '@shop/gateway';

/** A development token as `npm run token` prints it (the gateway's development JWT_SECRET). */
export async function devBearer(sub: string, role: 'customer' | 'admin') {
  const secret = gatewayConfig({ NODE_ENV: 'development', APOLLO_TELEMETRY_DISABLED: '1' }).JWT_SECRET;
  return { authorization: `Bearer ${await signDevToken(secret, sub, [role])}` };
}

/** A typed operation through the gateway at `url` as a client sends it; throws on GraphQL errors. */
export async function gatewayCall<TData, TVars>(
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
