import type { StorefrontConfig } from '../../server/config.js';

export { parseConfig, type StorefrontConfig } from '../../server/config.js';

/** `GET <gateway>/orders/<id>/events`: the order's live updates, next to the GraphQL endpoint. */
export function orderEventsUrl(config: StorefrontConfig, orderId: string): string {
  return new URL(`/orders/${encodeURIComponent(orderId)}/events`, config.graphqlUrl).toString();
}

/** Whether a product image may be loaded (its origin is listed in config.json's imageOrigins). */
export function imageAllowed(config: StorefrontConfig, src: string): boolean {
  try {
    const origin = new URL(src).origin;
    return config.imageOrigins.some((allowed) => new URL(allowed).origin === origin);
  } catch {
    return false;
  }
}
