import { randomUUID } from 'node:crypto';
import { PermanentError } from '@shop/events';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, serviceClient, signContext, type Signer } from '@shop/kit';
import { MessagingOrderContactDocument, type MessagingOrderContactQuery } from './__generated__/order-operations.js';

/*
 * The messaging worker's calls to other services, signed as `service:messaging`: the order service
 * for contact details, the invoice service for the PDF an invoice email attaches.
 */

export type OrderContact = NonNullable<MessagingOrderContactQuery['order']>;

/** Contact details of an order, for events that carry none (payment.*, invoice.rendered, order.delivered). */
export interface OrderDirectory {
  contact(orderId: string): Promise<OrderContact>;
}

/**
 * Reads `order(id)` from the order subgraph signed as `service:messaging` (allowed by its access rules):
 * MessagingOrderContact in ./operations/order.graphql, typed against the order subgraph's SDL.
 */
export function orderDirectory(opts: { url: string; signer: Signer; timeoutMs: number }): OrderDirectory {
  const call = serviceClient({ target: 'order', url: opts.url, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async contact(orderId) {
      const data = await call(MessagingOrderContactDocument, { id: orderId });
      // The events name orders their publishers read: one that does not exist will not appear by retrying.
      if (!data.order) throw new PermanentError(`order ${orderId} not found in the order service`);
      return data.order;
    },
  };
}

/** Where the invoice email's attachment comes from (the invoice service owns the PDFs, docs/design.md §3). */
export interface InvoicePdfSource {
  pdf(invoiceId: string): Promise<Buffer>;
}

/** `GET <INVOICE_URL>/internal/invoices/:id/pdf`, signed as `service:messaging`. */
export function httpInvoicePdfSource(opts: { url: string; signer: Signer; timeoutMs: number }): InvoicePdfSource {
  return {
    async pdf(invoiceId) {
      const requestId = randomUUID();
      let res: Response;
      try {
        res = await fetch(`${opts.url}/internal/invoices/${encodeURIComponent(invoiceId)}/pdf`, {
          headers: {
            [CONTEXT_HEADER]: signContext(opts.signer, serviceCaller(opts.signer), requestId, Date.now(), 'invoice'),
            [REQUEST_ID_HEADER]: requestId,
            accept: 'application/pdf',
          },
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (err) {
        throw new Error(`invoice service unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (res.status === 401 || res.status === 403) {
        throw new PermanentError(`invoice service refused service:messaging (${res.status})`);
      }
      // 404 and 5xx are retried: invoice.rendered follows the upload, so a missing PDF is a lag or an outage.
      if (!res.ok) throw new Error(`invoice service answered ${res.status} for the PDF of ${invoiceId}`);
      const pdf = Buffer.from(await res.arrayBuffer());
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error(`the invoice service sent no PDF for ${invoiceId}`);
      return pdf;
    },
  };
}
