import Provider, { errors, type Configuration } from 'oidc-provider';
import type { AccountStore } from './accounts.js';
import type { SandboxConfig } from './config.js';
import type { KeyStore } from './keys.js';
import { errorPage } from './page.js';

/** The first-party client: the storefront, a browser app with no secret. */
export const CLIENT_ID = 'storefront';
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/auth/callback';
export const DEFAULT_POST_LOGOUT_REDIRECT_URI = 'http://localhost:3000/';
/** The resource indicator of the shop API; every access token is issued for it (`aud` = ACCESS_TOKEN_AUDIENCE). */
export const SHOP_RESOURCE = 'urn:shop:api';
const SCOPE = 'openid profile';

export interface ProviderParts {
  config: SandboxConfig;
  issuer: string;
  keys: KeyStore;
  accounts: AccountStore;
}

const originOf = (url: string) => new URL(url).origin;

/**
 * oidc-provider configured as the development identity provider: one public client using the
 * authorization code flow with PKCE (S256, required), RS256 JWT access tokens for the shop API carrying
 * `roles` and `name`, consent granted without asking (first-party client), CORS for the client's origins.
 * Built again with the same stores after a key rotation (its key set is fixed at construction).
 */
export function buildProvider({ config, issuer, keys, accounts }: ProviderParts): Provider {
  const redirectUris = [DEFAULT_REDIRECT_URI, ...config.STOREFRONT_REDIRECT_URIS];
  const postLogout = [DEFAULT_POST_LOGOUT_REDIRECT_URI, ...config.STOREFRONT_POST_LOGOUT_REDIRECT_URIS];
  const origins = new Set([...redirectUris, ...postLogout].map(originOf));
  const ttlSeconds = Math.max(60, Math.round(config.ACCESS_TOKEN_TTL / 1000));

  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: 'Storefront',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogout,
        scope: SCOPE,
      },
    ],
    jwks: { keys: keys.signingJwks },
    cookies: { keys: keys.cookieKeys },
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'profile'],
    claims: { openid: ['sub'], profile: ['name'] },
    // The ID token carries `name` although the code flow also issues an access token.
    conformIdTokenClaims: false,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => SHOP_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== SHOP_RESOURCE) throw new errors.InvalidTarget(`the only resource is ${SHOP_RESOURCE}`);
          return {
            scope: 'shop',
            audience: config.ACCESS_TOKEN_AUDIENCE,
            accessTokenTTL: ttlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    ttl: {
      AccessToken: ttlSeconds,
      IdToken: ttlSeconds,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * 86_400,
      Grant: 14 * 86_400,
    },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: () => ({ sub, name: account.name }) };
    },
    extraTokenClaims: (_ctx, token) => {
      const account = 'accountId' in token ? accounts.get(token.accountId) : undefined;
      return account && { roles: account.roles, name: account.name };
    },
    // First-party client: the grant (the scopes it asks for) is given without a consent page.
    loadExistingGrant: async (ctx) => {
      const { client, session, result } = ctx.oidc;
      const grantId = result?.consent?.grantId ?? (client && session?.grantIdFor(client.clientId));
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SCOPE);
      grant.addOIDCClaims(['name']);
      grant.addResourceScope(SHOP_RESOURCE, 'shop');
      await grant.save();
      return grant;
    },
    clientBasedCORS: (_ctx, origin) => origins.has(origin),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(String(out.error), out.error_description === undefined ? undefined : String(out.error_description));
    },
  };
  return new Provider(issuer, configuration);
}
