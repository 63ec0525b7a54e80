import { requireAdmin } from '@shop/kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { requireShopper } from '../access.js';
import { idempotencyKey, text, uuid } from '../ids.js';

export const Mutation: MutationResolvers = {
  checkout(_parent, { input }, ctx) {
    requireShopper(ctx.caller);
    const checkoutInput = { ...input, cartId: uuid(input.cartId, 'input.cartId'), idempotencyKey: idempotencyKey(input.idempotencyKey) };
    return ctx.checkout.run(ctx.caller, checkoutInput, ctx.requestId);
  },
  cancelOrder(_parent, { id, reason }, ctx) {
    requireShopper(ctx.caller);
    return ctx.orders.cancel(ctx.caller, uuid(id, 'id'), text(reason, 'reason', 500, false), ctx.requestId);
  },
  shipOrder(_parent, { id, carrier, trackingNumber }, ctx) {
    requireAdmin(ctx.caller);
    const tracking = { carrier: text(carrier, 'carrier', 100, true)!, trackingNumber: text(trackingNumber, 'trackingNumber', 100, true)! };
    return ctx.orders.ship(uuid(id, 'id'), tracking, ctx.requestId);
  },
  markOrderDelivered(_parent, { id }, ctx) {
    requireAdmin(ctx.caller);
    return ctx.orders.deliver(uuid(id, 'id'), ctx.requestId);
  },
};
