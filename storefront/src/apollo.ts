import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { StorefrontConfig } from './lib/config.js';

/** SHA-256 of an operation's text, hex, with the browser's Web Crypto (a secure context: https or localhost). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Apollo Client against the gateway: automatic persisted queries first (the hash alone; the full text
 * only when the gateway has not seen it), the signed-in customer's access token as `Authorization:
 * Bearer`, then HTTP POST with a JSON body (which passes the gateway's CSRF prevention).
 */
export function createApolloClient(config: StorefrontConfig, accessToken: () => Promise<string | undefined>) {
  const auth = new SetContextLink(async (prev) => {
    const token = await accessToken();
    return token ? { headers: { ...(prev.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } } : {};
  });
  const link = ApolloLink.from([new PersistedQueryLink({ sha256: sha256Hex }), auth, new HttpLink({ uri: config.graphqlUrl })]);
  return new ApolloClient({ link, cache: new InMemoryCache() });
}
