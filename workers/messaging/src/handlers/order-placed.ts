import { orderPlacedEmail, orderPlacedSms } from '../templates/index.js';
import { toE164 } from '../sms.js';
import type { Handler, HandlerDeps } from './deps.js';

/** `order.placed`: the confirmation email, then an SMS when a usable phone number was given. */
export const orderPlaced =
  (deps: HandlerDeps): Handler<'shop.order.placed.v1'> =>
  async (event) => {
    const d = event.data;
    await deps.notifier.email(event, { to: d.email, ...orderPlacedEmail(deps.templates, d) });
    const phone = d.phone === undefined ? undefined : toE164(d.phone);
    if (phone) await deps.notifier.sms(event, { to: phone, body: orderPlacedSms(deps.templates, d) });
  };
