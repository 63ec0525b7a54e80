import { paymentRefundedEmail } from '../templates/index.js';
import type { Handler, HandlerDeps } from './deps.js';

/** `payment.refunded`: an email; the address comes from the order. */
export const paymentRefunded =
  (deps: HandlerDeps): Handler<'shop.payment.refunded.v1'> =>
  async (event) => {
    const contact = await deps.orders.contact(event.data.orderId);
    await deps.notifier.email(event, {
      to: contact.email,
      ...paymentRefundedEmail(deps.templates, { ...event.data, number: contact.number }),
    });
  };
