import { orderShippedEmail, orderShippedSms } from '../templates/index.js';
import { toE164 } from '../sms.js';
import type { Handler, HandlerDeps } from './deps.js';

/** `order.shipped`: email and (with a phone number) SMS with the tracking number. */
export const orderShipped =
  (deps: HandlerDeps): Handler<'shop.order.shipped.v1'> =>
  async (event) => {
    const d = event.data;
    await deps.notifier.email(event, { to: d.email, ...orderShippedEmail(deps.templates, d) });
    const phone = d.phone === undefined ? undefined : toE164(d.phone);
    if (phone) await deps.notifier.sms(event, { to: phone, body: orderShippedSms(deps.templates, d) });
  };
