import { z } from 'zod';

/**
 * What the storefront learns at run time from `/config.json`, served beside it: the same build runs
 * against a gateway and an identity provider on any port (tests, compose, `npm start`). The browser
 * app validates it with this schema too.
 */
export const configSchema = z.object({
  /** The gateway's GraphQL endpoint; the order event streams are on the same origin. */
  graphqlUrl: z.url(),
  /** The OpenID Connect provider (issuer) and this app's client id there. */
  oidcAuthority: z.url(),
  oidcClientId: z.string().min(1),
  /**
   * Origins product images may be loaded from. Others (the demo catalog's `cdn.shop.example`) are drawn
   * as a placeholder, so the page never reaches beyond the hosts it is configured for.
   */
  imageOrigins: z.array(z.url()).default([]),
});
export type StorefrontConfig = z.infer<typeof configSchema>;

export function parseConfig(raw: unknown): StorefrontConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new Error(`storefront config is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** The served config from the environment: STOREFRONT_GRAPHQL_URL, OIDC_AUTHORITY, OIDC_CLIENT_ID, IMAGE_ORIGINS (comma-separated). */
export function configFromEnv(env: NodeJS.ProcessEnv): StorefrontConfig {
  return parseConfig({
    graphqlUrl: env.STOREFRONT_GRAPHQL_URL ?? 'http://localhost:4000/graphql',
    oidcAuthority: env.OIDC_AUTHORITY ?? 'http://localhost:4022',
    oidcClientId: env.OIDC_CLIENT_ID ?? 'storefront',
    imageOrigins: (env.IMAGE_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
}
