import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MsgRequest } from '@nats-io/jetstream';
import { derivedEventId } from '@shop/events';
import { waitFor } from '@shop/harness';
import type { Env } from '@shop/invoice/testing';

export { client, startEnv, paidEvent, publish, streamEvents, log, EVENTS_ENV, PDF_LINK_SECRET, type Env } from '@shop/invoice/testing';

/** `lines` lines with distinct names and prices. */
export const manyLines = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    name: `Widget model ${i + 1}`,
    unitPrice: 100 + i * 7,
    quantity: 1 + (i % 3),
  }));

/** Waits until every invoice of these orders is READY (a PDF stored); returns the invoices. */
export function waitReady(env: Env, orderIds: string[], timeoutMs = 60_000) {
  return waitFor(
    `${orderIds.length} invoices READY`,
    async () => {
      const invoices = await env.invoice.models.Invoice.find({ orderId: { $in: orderIds } }).lean();
      if (invoices.length < orderIds.length) return undefined;
      const pdfs = await env.invoice.models.Pdf.countDocuments({ _id: { $in: invoices.map((i) => i._id) } });
      return pdfs === invoices.length ? invoices : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** One `shop.invoice.rendered.v1` message as stored on the INVOICES stream. */
export interface RenderedMessage {
  seq: number;
  /** The `Nats-Msg-Id` header. */
  msgId: string | undefined;
  /** The envelope's `id`. */
  eventId: string;
  invoiceId: string;
}

/** Every `shop.invoice.rendered.v1` message on the INVOICES stream, oldest first (walks the stream by subject). */
export async function renderedMessages(env: Env): Promise<RenderedMessage[]> {
  const out: RenderedMessage[] = [];
  let seq = 1;
  for (;;) {
    const sm = await env
      .jsm!.streams.getMessage('INVOICES', { seq, next_by_subj: 'shop.invoice.rendered.v1' } as unknown as MsgRequest)
      .catch(() => null);
    if (!sm) return out;
    const body = JSON.parse(new TextDecoder().decode(sm.data)) as { id: string; data: { invoiceId: string } };
    out.push({ seq: sm.seq, msgId: sm.header?.get('Nats-Msg-Id') || undefined, eventId: body.id, invoiceId: body.data.invoiceId });
    seq = sm.seq + 1;
  }
}

/**
 * Waits (with a deadline) until the invoice service's outbox has published the rendered event of every
 * one of these invoices and each is on the INVOICES stream; returns every rendered message on the stream.
 */
export function waitRenderedPublished(env: Env, invoiceIds: string[], timeoutMs = 30_000): Promise<RenderedMessage[]> {
  const eventIds = invoiceIds.map((id) => derivedEventId(`invoice.rendered:${id}`));
  return waitFor(
    `the rendered events of ${invoiceIds.length} invoices published`,
    async () => {
      const outbox = await env.invoice.models.Outbox.collection
        .find({ _id: { $in: eventIds as never[] } }, { projection: { _id: 1, publishedAt: 1 } })
        .toArray();
      if (outbox.length < eventIds.length || outbox.some((d) => d.publishedAt == null)) return undefined;
      const msgs = await renderedMessages(env);
      const seen = new Set(msgs.map((m) => m.invoiceId));
      return invoiceIds.every((id) => seen.has(id)) ? msgs : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Text and page count of a PDF through poppler (pdftotext, pdfinfo). */
export function pdfFacts(pdf: Buffer): { text: string; pages: number } {
  const dir = mkdtempSync(join(tmpdir(), 'invoice-pdf-'));
  const file = join(dir, 'invoice.pdf');
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  return { text, pages };
}
