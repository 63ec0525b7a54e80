import type { EventData } from '@shop/events';
import { email, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.order.shipped.v1'>;

/** `order.shipped`: email and SMS with the carrier and tracking number. */
export function orderShippedEmail(ctx: TemplateContext, d: Data): EmailContent {
  return email(ctx, `Your order ${d.number} has shipped`, `Order ${d.number} is on its way`, [
    { text: `Carrier: ${d.carrier}` },
    { text: `Tracking number: ${d.trackingNumber}` },
  ]);
}

export function orderShippedSms(ctx: TemplateContext, d: Data): string {
  return `${ctx.store}: order ${d.number} has shipped with ${d.carrier}, tracking ${d.trackingNumber}.`;
}
