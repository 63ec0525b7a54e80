import type { StockMovementResolvers } from '../__generated__/resolvers-types.js';

export const StockMovement: StockMovementResolvers = {
  id: (m) => m._id,
  at: (m) => m.at.toISOString(),
};
