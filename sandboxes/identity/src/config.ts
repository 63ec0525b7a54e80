import { z } from 'zod';
import { commaList, duration, logLevel, nodeEnv, parseConfig, port } from '@shop/kit';

const urlList = commaList.pipe(z.array(z.url({ protocol: /^https?$/ })));

/** Identity sandbox settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'identity-sandbox',
    {
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().min(1).default('127.0.0.1'),
      PORT: port(4022),
      /** The `iss` of every token and the base of every endpoint as browsers reach it; unset: http://localhost:<port>. */
      ISSUER: z.url({ protocol: /^https?$/ }).optional(),
      /** The `aud` of access tokens: the gateway's JWT_AUDIENCE. */
      ACCESS_TOKEN_AUDIENCE: z.string().min(1).default('shop'),
      ACCESS_TOKEN_TTL: duration('1h'),
      /** The storefront's registered redirect URIs: the default one plus these (comma-separated). */
      STOREFRONT_REDIRECT_URIS: urlList,
      STOREFRONT_POST_LOGOUT_REDIRECT_URIS: urlList,
      /** Where the signing keys, cookie keys and accounts are kept, so a restart keeps tokens valid. Unset: in memory. */
      SANDBOX_STATE_DIR: z.string().trim().min(1).optional(),
    },
    env,
  );
}

export type SandboxConfig = ReturnType<typeof loadConfig>;
