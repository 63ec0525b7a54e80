import { invoiceEmail, invoiceFilename } from '../templates/index.js';
import type { Handler, HandlerDeps } from './deps.js';

/** `invoice.rendered`: the invoice email with the PDF attached, fetched from the invoice service. */
export const invoiceRendered =
  (deps: HandlerDeps): Handler<'shop.invoice.rendered.v1'> =>
  async (event) => {
    const d = event.data;
    const contact = await deps.orders.contact(d.orderId);
    const pdf = await deps.invoices.pdf(d.invoiceId);
    await deps.notifier.email(event, {
      to: contact.email,
      ...invoiceEmail(deps.templates, { ...d, orderNumber: contact.number }),
      attachments: [{ filename: invoiceFilename(d.number), content: pdf, contentType: 'application/pdf' }],
    });
  };
