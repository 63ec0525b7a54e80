import { money } from '@shop/money';
import type { PaymentResolvers } from '../__generated__/resolvers-types.js';

export const Payment: PaymentResolvers = {
  id: (p) => p.id,
  order: (p) => ({ id: p.doc.orderId }),
  amount: (p) => money(p.doc.amount, p.doc.currency),
  refundedAmount: (p) => money(p.refundedAmount, p.doc.currency),
  status: (p) => p.status,
  provider: (p) => p.doc.provider,
  providerReference: (p) => p.providerReference,
  failureCode: (p) => p.failureCode,
  failureMessage: (p) => p.failureMessage,
  nextActionUrl: (p) => p.nextActionUrl,
  createdAt: (p) => p.doc.createdAt.toISOString(),
  updatedAt: (p) => p.updatedAt.toISOString(),
};
