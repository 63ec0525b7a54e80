import express, { type Express, type Request, type Response } from 'express';
import {
  acceptContext,
  CONTEXT_HEADER,
  isUuid,
  REQUEST_ID_HEADER,
  ReplayGuard,
  type Caller,
  type Logger,
  type SignerKeys,
} from '@shop/kit';
import { INTERNAL_READERS, isOneOf, PDF_READERS, PDF_WRITERS } from './access.js';
import type { Invoices } from './invoices.js';
import type { InvoiceDoc } from './model.js';

/**
 * Internal HTTP routes (docs/design.md §5: not in the public API), accepted only with a signed service
 * identity (the kit's signed context, as on /graphql), each signed header once: mounted by the kit's
 * server they share /graphql's replay guard, so a header used on one is refused on the other.
 * - `GET /internal/invoices/:id` — the snapshot as JSON (renderer);
 * - `PUT /internal/invoices/:id/pdf` — `application/pdf` body; replaces the PDF, marks READY (renderer);
 * - `GET /internal/invoices/:id/pdf` — the PDF (gateway, messaging).
 */

export function snapshotJson(i: InvoiceDoc) {
  return {
    id: i._id,
    number: i.number,
    orderId: i.orderId,
    orderNumber: i.orderNumber,
    issuedAt: i.issuedAt.toISOString(),
    currency: i.currency,
    taxRateBps: i.taxRateBps,
    seller: i.seller,
    buyer: i.buyer,
    lines: i.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      lineTotal: l.lineTotal,
      tax: l.tax,
    })),
    subtotal: i.subtotal,
    tax: i.tax,
    total: i.total,
  };
}

export type InvoiceSnapshot = ReturnType<typeof snapshotJson>;

export function internalRoutes(opts: { invoices: Invoices; signerKeys: SignerKeys; maxPdfBytes: number; log: Logger }) {
  // Its own guard unless the server hands over the one /graphql uses (the kit always does).
  let guard = new ReplayGuard();
  let audience = 'invoice';
  const caller = (req: Request, res: Response, allowed: readonly string[]): Caller | null => {
    const verified = acceptContext(opts.signerKeys, req.header(CONTEXT_HEADER), guard, Date.now(), audience);
    if (!verified.ok) {
      opts.log.warn({ reason: verified.reason, path: req.path }, 'refused unsigned internal request');
      res.status(401).json({ error: 'unauthenticated', reason: verified.reason });
      return null;
    }
    if (!isOneOf(verified.context.caller, allowed)) {
      res.status(403).json({ error: 'forbidden' });
      return null;
    }
    return verified.context.caller;
  };
  const load = async (req: Request, res: Response): Promise<InvoiceDoc | null> => {
    const id = String(req.params.id ?? '');
    const invoice = isUuid(id) ? await opts.invoices.get(id.toLowerCase()) : null;
    if (!invoice) res.status(404).json({ error: 'not found' });
    return invoice;
  };
  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) => {
    fn(req, res).catch((err: unknown) => {
      opts.log.error({ err }, 'internal route failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    });
  };

  return (app: Express, kit?: { replayGuard: ReplayGuard; audience: string }) => {
    if (kit) {
      guard = kit.replayGuard;
      audience = kit.audience;
    }
    app.get(
      '/internal/invoices/:id',
      wrap(async (req, res) => {
        if (!caller(req, res, INTERNAL_READERS)) return;
        const invoice = await load(req, res);
        if (invoice) res.json(snapshotJson(invoice));
      }),
    );
    app.put(
      '/internal/invoices/:id/pdf',
      express.raw({ type: 'application/pdf', limit: opts.maxPdfBytes }),
      wrap(async (req, res) => {
        if (!caller(req, res, PDF_WRITERS)) return;
        const body = req.body as unknown;
        if (!req.is('application/pdf') || !Buffer.isBuffer(body) || body.subarray(0, 5).toString('latin1') !== '%PDF-') {
          res.status(400).json({ error: 'the body must be an application/pdf document' });
          return;
        }
        const invoice = await load(req, res);
        if (!invoice) return;
        const stored = await opts.invoices.storePdf(invoice, body, req.header(REQUEST_ID_HEADER) ?? invoice._id);
        res.status(200).json({ id: invoice._id, status: 'READY', bytes: stored.bytes, sha256: stored.sha256 });
      }),
    );
    app.get(
      '/internal/invoices/:id/pdf',
      wrap(async (req, res) => {
        if (!caller(req, res, PDF_READERS)) return;
        const id = String(req.params.id ?? '');
        const pdf = isUuid(id) ? await opts.invoices.pdfs.get(id.toLowerCase()) : null;
        if (!pdf) {
          res.status(404).json({ error: 'not found' });
          return;
        }
        res.setHeader('content-type', 'application/pdf');
        res.setHeader('content-length', String(pdf.bytes));
        res.setHeader('etag', `"${pdf.sha256}"`);
        res.end(pdf.data);
      }),
    );
  };
}
