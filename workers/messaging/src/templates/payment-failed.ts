import type { EventData } from '@shop/events';
import { email, money, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.payment.failed.v1'> & { number: string };

/** `payment.failed`: the order stays payable; tell the customer why and that they can try again. */
export function paymentFailedEmail(ctx: TemplateContext, d: Data): EmailContent {
  return email(ctx, `Payment for order ${d.number} did not go through`, `Your payment of ${money(d.amount, d.currency)} failed`, [
    { text: `The payment for order ${d.number} was not accepted: ${d.failureMessage} (${d.failureCode}).` },
    { text: 'Your order is still reserved: you can pay again with another card.' },
  ]);
}
