import type { EventData } from '@shop/events';
import { email, escapeHtml, money, type EmailContent, type TemplateContext } from './layout.js';

type Data = EventData<'shop.order.placed.v1'>;

/** `order.placed`: the order confirmation (email) and its short form (SMS). */
export function orderPlacedEmail(ctx: TemplateContext, d: Data): EmailContent {
  const m = (amount: number) => money(amount, d.currency);
  const rows = d.lines.map((l) => ({ name: l.name, qty: l.quantity, unit: m(l.unitPrice), total: m(l.lineTotal) }));
  const table = [
    '<table style="border-collapse:collapse">',
    '<tr><th align="left">Item</th><th align="right">Qty</th><th align="right">Price</th><th align="right">Total</th></tr>',
    ...rows.map(
      (r) =>
        `<tr><td>${escapeHtml(r.name)}</td><td align="right">${r.qty}</td><td align="right">${r.unit}</td><td align="right">${r.total}</td></tr>`,
    ),
    `<tr><td colspan="3">Subtotal</td><td align="right">${m(d.subtotal)}</td></tr>`,
    `<tr><td colspan="3">Tax</td><td align="right">${m(d.tax)}</td></tr>`,
    `<tr><td colspan="3"><strong>Total</strong></td><td align="right"><strong>${m(d.total)}</strong></td></tr>`,
    '</table>',
  ].join('\n');
  const tableText = [
    ...rows.map((r) => `${r.qty} × ${r.name} (${r.unit}): ${r.total}`),
    `Subtotal: ${m(d.subtotal)}`,
    `Tax: ${m(d.tax)}`,
    `Total: ${m(d.total)}`,
  ].join('\n');
  return email(ctx, `Your order ${d.number} is confirmed`, `Thank you for your order ${d.number}`, [
    { text: 'We have received your order. It will be on its way as soon as the payment is complete.' },
    { text: tableText, html: table },
  ]);
}

export function orderPlacedSms(ctx: TemplateContext, d: Data): string {
  return `${ctx.store}: thank you! Order ${d.number} (${money(d.total, d.currency)}) is confirmed.`;
}
