/**
 * The storefront's server: `node storefront/dist/server/index.js`. PORT (default 3000), HOST (default
 * 127.0.0.1; 0.0.0.0 in a container), STOREFRONT_ROOT (default the built app beside this file), and the
 * served /config.json from STOREFRONT_GRAPHQL_URL, OIDC_AUTHORITY, OIDC_CLIENT_ID, IMAGE_ORIGINS.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configFromEnv } from './config.js';
import { createStorefrontServer } from './serve.js';

const env = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    STOREFRONT_ROOT: z
      .string()
      .min(1)
      .default(join(dirname(fileURLToPath(import.meta.url)), '..', 'public')),
  })
  .parse(process.env);

if (!existsSync(join(env.STOREFRONT_ROOT, 'index.html'))) {
  process.stderr.write(`storefront: no index.html in ${env.STOREFRONT_ROOT}; build it with node scripts/bootstrap.mjs build\n`);
  process.exit(1);
}
const server = createStorefrontServer(env.STOREFRONT_ROOT, configFromEnv(process.env));
server.listen(env.PORT, env.HOST, () => process.stdout.write(`storefront on http://${env.HOST}:${env.PORT}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
