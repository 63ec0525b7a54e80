import { money } from '@shop/money';
import type { OrderEventResolvers, OrderLineResolvers, OrderResolvers } from '../__generated__/resolvers-types.js';
import { mayRead } from '../access.js';
import { isUuid } from '../ids.js';

export const Order: OrderResolvers = {
  async __resolveReference(ref, ctx) {
    // Through the loader, and with the access rule of `order(id)`: not yours looks like not found.
    if (!isUuid(ref.id)) return null;
    const order = await ctx.loaders.order.load(ref.id.toLowerCase());
    return order && mayRead(ctx.caller, order.order) ? order : null;
  },
  id: (o) => o.id,
  number: (o) => o.order.number,
  status: (o) => o.status,
  lines: (o) => o.order.lines.map((l) => ({ ...l, currency: o.order.currency })),
  subtotal: (o) => money(o.order.subtotal, o.order.currency),
  tax: (o) => money(o.order.tax, o.order.currency),
  total: (o) => money(o.order.total, o.order.currency),
  email: (o) => o.order.email,
  phone: (o) => o.order.phone,
  shippingAddress: (o) => o.order.shippingAddress,
  tracking: (o) => o.tracking,
  timeline: (o) => o.timeline,
  createdAt: (o) => o.order.createdAt.toISOString(),
  updatedAt: (o) => o.updatedAt.toISOString(),
  customerId: (o) => o.order.customerId,
};

export const OrderLine: OrderLineResolvers = {
  product: (l) => ({ __typename: 'Product', id: l.productId }),
  sku: (l) => l.sku,
  name: (l) => l.name,
  unitPrice: (l) => money(l.unitPrice, l.currency),
  quantity: (l) => l.quantity,
  lineTotal: (l) => money(l.lineTotal, l.currency),
};

export const OrderEvent: OrderEventResolvers = {
  status: (e) => e.status,
  at: (e) => e.at.toISOString(),
  note: (e) => e.note,
};
