import type { EventData } from '@shop/events';
import { email, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.invoice.rendered.v1'> & { orderNumber: string };

/** `invoice.rendered`: the invoice email; the PDF goes along as an attachment. */
export function invoiceEmail(ctx: TemplateContext, d: Data): EmailContent {
  return email(ctx, `Your invoice ${d.number} for order ${d.orderNumber}`, `Invoice ${d.number}`, [
    { text: `Thank you for your payment. Your invoice ${d.number} for order ${d.orderNumber} is attached as a PDF.` },
  ]);
}

export const invoiceFilename = (number: string) => `${number}.pdf`;
