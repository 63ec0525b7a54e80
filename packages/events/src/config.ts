import { commonConfig, mongoConfig, signerKeys, signingKey, type SignerName } from '@shop/kit';
import { eventsConfig } from './nats.js';

/**
 * The settings every subgraph that calls others shares (cart, order, payment, invoice), to spread first
 * into its config shape: `parseConfig('cart', { ...subgraphConfig('cart', 4002, env), PRODUCT_URL: … })`.
 * Product calls no one, so it has no SIGNING_KEY and spreads the parts itself.
 */
export function subgraphConfig(name: SignerName, defaultPort: number, env: NodeJS.ProcessEnv = process.env) {
  return {
    ...commonConfig(defaultPort),
    /** Signs this service's calls to others as `service:<name>` (docs/design.md §7). */
    SIGNING_KEY: signingKey(name, env),
    /** Public keys of the signers whose contexts this service accepts, by name. */
    SIGNER_KEYS: signerKeys(env),
    /** NATS and the consumers' retry policy: used only by the event step (src/events.ts). */
    ...eventsConfig,
    /** The service's own database, `shop_<name>`. */
    ...mongoConfig(`shop_${name}`),
  };
}
