import { forbidden, requireAdmin } from '@shop/kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { idempotencyKey, paymentToken, refundAmount, uuid } from '../ids.js';

export const Mutation: MutationResolvers = {
  payOrder(_parent, { input }, ctx) {
    // Guests (their orders by id), customers and admins; partners and services never pay.
    if (ctx.caller.kind !== 'guest' && ctx.caller.kind !== 'user') throw forbidden('Payments are for shoppers');
    const payInput = {
      orderId: uuid(input.orderId, 'input.orderId'),
      paymentToken: paymentToken(input.paymentToken),
      idempotencyKey: idempotencyKey(input.idempotencyKey),
    };
    return ctx.payments.pay(ctx.caller, payInput, ctx.requestId);
  },
  refundPayment(_parent, { paymentId, amount }, ctx) {
    requireAdmin(ctx.caller);
    return ctx.payments.refund(uuid(paymentId, 'paymentId'), refundAmount(amount));
  },
};
