import { formatMoney } from '@shop/money';

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

/** What every template knows besides its event. */
export interface TemplateContext {
  store: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML: event fields (product names, reasons) are data, never markup. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const money = (amount: number, currency: string) => formatMoney({ amount, currency });

/** A paragraph in both forms; HTML is escaped here, so callers pass plain text. */
export interface Block {
  text: string;
  /** Pre-built HTML (e.g. a table) instead of the escaped text. */
  html?: string;
}

/** The shared frame of every email: heading, blocks, the store's signature. */
export function email(ctx: TemplateContext, subject: string, heading: string, blocks: Block[]): EmailContent {
  const html = [
    '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222">',
    `<h1 style="font-size:20px">${escapeHtml(heading)}</h1>`,
    ...blocks.map((b) => b.html ?? `<p>${escapeHtml(b.text)}</p>`),
    `<p style="color:#777">${escapeHtml(ctx.store)}</p>`,
    '</body></html>',
  ].join('\n');
  const text = [heading, '', ...blocks.flatMap((b) => [b.text, '']), `— ${ctx.store}`].join('\n');
  return { subject, html, text };
}
