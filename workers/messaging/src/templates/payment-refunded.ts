import type { EventData } from '@shop/events';
import { email, money, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.payment.refunded.v1'> & { number: string };

/** `payment.refunded`: this refund, and the total when there were several. */
export function paymentRefundedEmail(ctx: TemplateContext, d: Data): EmailContent {
  const blocks = [{ text: `We have refunded ${money(d.amount, d.currency)} for order ${d.number} to your card.` }];
  if (d.refundedTotal !== d.amount) blocks.push({ text: `Refunded for this order so far: ${money(d.refundedTotal, d.currency)}.` });
  blocks.push({ text: 'Depending on your bank it may take a few days to show on your statement.' });
  return email(ctx, `Refund of ${money(d.amount, d.currency)} for order ${d.number}`, 'Your refund is on its way', blocks);
}
