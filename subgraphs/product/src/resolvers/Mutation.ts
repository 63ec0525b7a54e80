import { badInput } from '@shop/kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { requireCatalogAdmin, requireStockConfirmer, requireStockHolder } from '../access.js';
import { objectId, orderId } from '../ids.js';

const MAX_RESERVATION_LINES = 100;
const MAX_RESERVATION_QUANTITY = 10_000;

export const Mutation: MutationResolvers = {
  createProduct(_parent, { input }, ctx) {
    requireCatalogAdmin(ctx.caller);
    return ctx.admin.create(input);
  },
  updateProduct(_parent, { id, input }, ctx) {
    requireCatalogAdmin(ctx.caller);
    return ctx.admin.update(objectId(id, 'id'), input);
  },
  archiveProduct(_parent, { id }, ctx) {
    requireCatalogAdmin(ctx.caller);
    return ctx.admin.archive(objectId(id, 'id'));
  },
  adjustStock(_parent, { productId, delta, reason }, ctx) {
    requireCatalogAdmin(ctx.caller);
    return ctx.admin.adjustStock(objectId(productId, 'productId'), delta, reason);
  },
  createCategory(_parent, { input }, ctx) {
    requireCatalogAdmin(ctx.caller);
    return ctx.admin.createCategory(input);
  },

  reserveStock(_parent, args, ctx) {
    requireStockHolder(ctx.caller);
    if (args.lines.length === 0 || args.lines.length > MAX_RESERVATION_LINES) {
      throw badInput(`a reservation has 1–${MAX_RESERVATION_LINES} lines`, 'lines');
    }
    const lines = args.lines.map((l, i) => {
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_RESERVATION_QUANTITY) {
        throw badInput(`quantity must be 1–${MAX_RESERVATION_QUANTITY}`, `lines.${i}.quantity`);
      }
      return { productId: objectId(l.productId, `lines.${i}.productId`), quantity: l.quantity };
    });
    if (new Set(lines.map((l) => l.productId.toHexString())).size !== lines.length) {
      throw badInput('each product may appear once', 'lines');
    }
    return ctx.reservations.reserve(orderId(args.orderId), lines);
  },
  confirmReservation(_parent, args, ctx) {
    requireStockConfirmer(ctx.caller);
    return ctx.reservations.confirm(orderId(args.orderId));
  },
  releaseReservation(_parent, args, ctx) {
    requireStockHolder(ctx.caller);
    if (args.reason.length > 500) throw badInput('reason is at most 500 characters', 'reason');
    return ctx.reservations.release(orderId(args.orderId), args.reason);
  },
};
