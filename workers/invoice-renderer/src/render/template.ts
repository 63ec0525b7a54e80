import { formatMoney } from '@shop/money';
import type { InvoiceSnapshot } from '../snapshot.js';

/**
 * The invoice as one self-contained HTML document: inline CSS, system fonts (Liberation Sans / DejaVu
 * Sans, installed with Chromium), no script, no image, no external URL — the page cannot load anything
 * anyway. The line table's header repeats on every printed page; totals follow the last line.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Party = InvoiceSnapshot['seller'];

function party(title: string, p: Party): string {
  const a = p.address;
  const rows = [
    `<strong>${esc(p.name)}</strong>`,
    ...(a ? [a.line1, a.line2, [a.postalCode, a.city].join(' '), a.region, a.country] : []),
    p.email,
    p.taxId ? `Tax ID: ${p.taxId}` : null,
  ]
    .filter((r): r is string => !!r)
    .map((r, i) => (i === 0 ? r : esc(r)));
  return `<div class="party"><h2>${esc(title)}</h2>${rows.map((r) => `<div>${r}</div>`).join('')}</div>`;
}

const CSS = `
@page { size: A4; margin: 14mm 12mm 18mm 12mm; }
* { box-sizing: border-box; }
body { font-family: 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #111; margin: 0; }
header { display: flex; justify-content: space-between; align-items: flex-start; margin-bottom: 8mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 9pt; text-transform: uppercase; color: #555; margin: 0 0 1mm; }
.meta div { text-align: right; }
.parties { display: flex; gap: 10mm; margin-bottom: 8mm; }
.party { flex: 1; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th { text-align: left; border-bottom: 1.5pt solid #111; padding: 1.5mm 1mm; font-size: 9pt; }
td { border-bottom: 0.5pt solid #ccc; padding: 1.5mm 1mm; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
.totals { margin-top: 5mm; margin-left: auto; width: 45%; break-inside: avoid; }
.totals td { border: none; }
.totals .grand td { border-top: 1.5pt solid #111; font-weight: bold; font-size: 11pt; }
`;

export function invoiceHtml(inv: InvoiceSnapshot, locale = 'en-US'): string {
  const m = (amount: number) => esc(formatMoney({ amount, currency: inv.currency }, locale));
  const rate = `${(inv.taxRateBps / 100).toLocaleString(locale, { maximumFractionDigits: 2 })} %`;
  const issued = new Date(inv.issuedAt).toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const lines = inv.lines
    .map(
      (l, i) =>
        `<tr><td class="num">${i + 1}</td><td>${esc(l.sku)}</td><td>${esc(l.name)}</td><td class="num">${l.quantity}</td>` +
        `<td class="num">${m(l.unitPrice)}</td><td class="num">${m(l.tax)}</td><td class="num">${m(l.lineTotal)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(inv.number)}</title><style>${CSS}</style></head>
<body>
<header>
  <div><h1>Invoice</h1><div>${esc(inv.number)}</div></div>
  <div class="meta"><div>Issued ${esc(issued)}</div><div>Order ${esc(inv.orderNumber)}</div><div>Currency ${esc(inv.currency)}</div></div>
</header>
<section class="parties">${party('Seller', inv.seller)}${party('Bill to', inv.buyer)}</section>
<table>
  <thead><tr><th class="num">#</th><th>SKU</th><th>Item</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Tax</th><th class="num">Net amount</th></tr></thead>
  <tbody>
${lines}
  </tbody>
</table>
<table class="totals">
  <tr><td>Subtotal (net)</td><td class="num">${m(inv.subtotal)}</td></tr>
  <tr><td>Tax (${esc(rate)})</td><td class="num">${m(inv.tax)}</td></tr>
  <tr class="grand"><td>Total</td><td class="num">${m(inv.total)}</td></tr>
</table>
</body></html>`;
}
