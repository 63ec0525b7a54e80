import { paymentFailedEmail } from '../templates/index.js';
import type { Handler, HandlerDeps } from './deps.js';

/** `payment.failed`: an email; the address comes from the order. */
export const paymentFailed =
  (deps: HandlerDeps): Handler<'shop.payment.failed.v1'> =>
  async (event) => {
    const contact = await deps.orders.contact(event.data.orderId);
    await deps.notifier.email(event, {
      to: contact.email,
      ...paymentFailedEmail(deps.templates, { ...event.data, number: contact.number }),
    });
  };
