import type { EventData } from '@shop/events';
import { email, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.order.delivered.v1'>;

/** `order.delivered`: email and SMS saying the order has arrived, and whom to tell when it has not. */
export function orderDeliveredEmail(ctx: TemplateContext, d: Data): EmailContent {
  return email(ctx, `Your order ${d.number} has been delivered`, `Order ${d.number} has arrived`, [
    { text: `Our carrier reports that your order ${d.number} has been delivered. We hope you enjoy it.` },
    { text: `Not received it? Reply to this email and quote order ${d.number}: we will look into it.` },
  ]);
}

export function orderDeliveredSms(ctx: TemplateContext, d: Data): string {
  return `${ctx.store}: order ${d.number} has been delivered. Not received it? Reply to our email.`;
}
