import { createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestHandler } from 'express';
import { CONTEXT_HEADER, isUuid, REQUEST_ID_HEADER, signContext, type Logger } from '@shop/kit';
import type { GatewayConfig } from './config.js';
import { requestIdOf } from './request-id.js';

/**
 * `GET /invoices/<id>.pdf?exp=<unix seconds>&sig=<hex>` (docs/design.md §5, §7): the signed, short-lived
 * link of `Invoice.pdfUrl`. Whoever holds a valid, unexpired link gets the PDF; a tampered or expired
 * link is 403, an unknown invoice 404. The PDF comes from the invoice service's internal route, signed
 * as `service:gateway`, and is streamed through. The signature is the invoice service's
 * (`invoice-pdf:<id>:<exp>` HMAC-SHA256 with PDF_LINK_SECRET).
 */

/** `<invoice id>.pdf`, the id in lower case as the link carries it (`isUuid` checks its shape). */
const FILE = /^([0-9a-f-]{36})\.pdf$/;
const DEFAULT_INVOICE_URL = 'http://127.0.0.1:4005/graphql';

export function verifyPdfLink(secret: string, invoiceId: string, exp: unknown, sig: unknown, now = Date.now()): boolean {
  if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string' || !/^[0-9a-f]{64}$/.test(sig)) return false;
  if (Number(exp) * 1000 <= now) return false;
  const expected = createHmac('sha256', secret).update(`invoice-pdf:${invoiceId}:${exp}`).digest();
  return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}

export function invoicePdfRoute(opts: { config: GatewayConfig; log: Logger; invoiceUrl: () => string | undefined }): RequestHandler {
  return async (req, res) => {
    const m = FILE.exec(String(req.params.file ?? ''));
    const id = m?.[1];
    if (!isUuid(id)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    if (!verifyPdfLink(opts.config.PDF_LINK_SECRET, id, req.query.exp, req.query.sig)) {
      res.status(403).json({ error: 'this link is invalid or has expired' });
      return;
    }
    const base = (opts.invoiceUrl() ?? DEFAULT_INVOICE_URL).replace(/\/graphql\/?$/, '');
    const requestId = requestIdOf(req.header(REQUEST_ID_HEADER));
    // One signal for the upstream request: the timeout bounds the wait for its headers only (a slow
    // client may take longer to read the body), and a client that goes away cancels it.
    const upstreamCall = new AbortController();
    const headersTimeout = setTimeout(
      () => upstreamCall.abort(new Error('no answer from the invoice service in time')),
      opts.config.SUBGRAPH_TIMEOUT_MS,
    );
    let clientLeft = false;
    res.once('close', () => {
      clientLeft = !res.writableFinished;
      if (clientLeft) upstreamCall.abort(new Error('the client went away'));
    });
    let upstream: Response;
    try {
      upstream = await fetch(`${base}/internal/invoices/${id}/pdf`, {
        headers: {
          [CONTEXT_HEADER]: signContext(opts.config.SIGNING_KEY, { kind: 'service', service: 'gateway' }, requestId, Date.now(), 'invoice'),
          [REQUEST_ID_HEADER]: requestId,
        },
        signal: upstreamCall.signal,
      });
    } catch (err) {
      if (clientLeft) return;
      opts.log.error({ err, invoiceId: id }, 'fetching an invoice PDF failed');
      if (!res.headersSent) res.status(502).json({ error: 'the invoice could not be fetched' });
      return;
    } finally {
      clearTimeout(headersTimeout);
    }
    if (!upstream.ok || !upstream.body) {
      await upstream.body?.cancel();
      if (upstream.status === 404) {
        res.status(404).json({ error: 'not found' });
        return;
      }
      opts.log.error({ status: upstream.status, invoiceId: id }, 'invoice service refused a PDF');
      res.status(502).json({ error: 'the invoice could not be fetched' });
      return;
    }
    res.status(200);
    res.setHeader('content-type', 'application/pdf');
    const length = upstream.headers.get('content-length');
    if (length) res.setHeader('content-length', length);
    res.setHeader('content-disposition', `inline; filename="invoice-${id}.pdf"`);
    res.setHeader('cache-control', 'private, no-store');
    try {
      // Backpressure both ways; on any failure both ends are destroyed, so the client sees a cut
      // connection (never a short body that looks complete) and the upstream request is released.
      await pipeline(Readable.fromWeb(upstream.body), res);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE')
        opts.log.info({ invoiceId: id }, 'the client left during an invoice PDF download');
      else opts.log.warn({ err, invoiceId: id }, 'an invoice PDF download broke off: the invoice service stopped sending');
    }
  };
}
