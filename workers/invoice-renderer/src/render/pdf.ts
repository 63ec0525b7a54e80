import type { Page } from 'puppeteer-core';
import { inSpan } from '@shop/kit';
import type { BrowserPool } from './browser-pool.js';

/** Page numbers in the footer ("Page 2 of 3"), the invoice number beside them. */
const footer = (label: string) =>
  `<div style="font-family:'Liberation Sans','DejaVu Sans',sans-serif;font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between;color:#555">` +
  `<span>${label}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;

/** Renders one self-contained HTML document to an A4 PDF on a pooled page. */
export function renderPdf(pool: BrowserPool, html: string, footerLabel: string, timeoutMs: number): Promise<Buffer> {
  return inSpan('render invoice', { attributes: { 'shop.invoice.number': footerLabel } }, () =>
    renderOnPage(pool, html, footerLabel, timeoutMs),
  );
}

async function renderOnPage(pool: BrowserPool, html: string, footerLabel: string, timeoutMs: number): Promise<Buffer> {
  return pool.run(async (page: Page) => {
    await inSpan('chromium setContent', {}, () => page.setContent(html, { waitUntil: 'load', timeout: timeoutMs }));
    const pdf = await inSpan('chromium pdf', {}, () =>
      page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: footer(footerLabel.replace(/[^A-Za-z0-9 _-]/g, '')),
        margin: { top: '14mm', right: '12mm', bottom: '18mm', left: '12mm' },
        tagged: true,
        outline: false,
        timeout: timeoutMs,
      }),
    );
    // Leave the page empty between jobs (nothing of one invoice stays behind for the next).
    await page.goto('about:blank').catch(() => undefined);
    return Buffer.from(pdf);
  });
}
