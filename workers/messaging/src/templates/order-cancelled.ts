import type { EventData } from '@shop/events';
import { email, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.order.cancelled.v1'>;

const REASONS: Record<string, string> = { PAYMENT_TIMEOUT: 'the payment was not completed in time' };

/** `order.cancelled`: the reason, and the refund when the order was paid. */
export function orderCancelledEmail(ctx: TemplateContext, d: Data): EmailContent {
  return email(ctx, `Your order ${d.number} has been cancelled`, `Order ${d.number} is cancelled`, [
    { text: `Reason: ${REASONS[d.reason] ?? d.reason}.` },
    {
      text: d.wasPaid
        ? 'You paid for this order: the full amount is being refunded to your card.'
        : 'You have not been charged for this order.',
    },
  ]);
}
