import { orderDeliveredEmail, orderDeliveredSms } from '../templates/index.js';
import { toE164 } from '../sms.js';
import type { Handler, HandlerDeps } from './deps.js';

/**
 * `order.delivered`: email and (with a phone number) SMS, like `order.shipped`. The event carries only
 * the order id and number, so the address and phone come from the order.
 */
export const orderDelivered =
  (deps: HandlerDeps): Handler<'shop.order.delivered.v1'> =>
  async (event) => {
    const d = event.data;
    const contact = await deps.orders.contact(d.orderId);
    await deps.notifier.email(event, { to: contact.email, ...orderDeliveredEmail(deps.templates, d) });
    const phone = contact.phone === null ? undefined : toE164(contact.phone);
    if (phone) await deps.notifier.sms(event, { to: phone, body: orderDeliveredSms(deps.templates, d) });
  };
