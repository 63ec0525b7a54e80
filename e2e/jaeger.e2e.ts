import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runScript, startBroker, startJaeger, testTmpDir, waitFor, type JaegerInstance, type NatsInstance } from '@shop/harness';
import { readMails } from '../scripts/src/chaos/facts.js';
import { tracingEnv } from '../scripts/src/dev-tracing.js';
import { tracedPurchase } from './support/traced-purchase.js';
import { startSystem, type System } from './support/system.js';

/**
 * Issue 12 §3: the Jaeger `SHOP_TRACING=jaeger npm start` runs (built from the Go module proxy by the
 * harness, in-memory, on loopback) receives every process's spans with `npm start`'s OTEL_* settings;
 * after one checkout and payment and the invoice email, `npm run trace -- <order number>` (the real
 * CLI, as a child process) prints the purchase as one waterfall with every hop in it.
 *
 * The first run on a machine builds Jaeger (several minutes: `npm test` starts that build in the
 * background before the suite, scripts/src/suite-needs.ts, and this file then waits for it).
 */
const BUILD_WAIT_MS = 30 * 60_000;
let jaeger: JaegerInstance;
let nats: NatsInstance;
let system: System;
let failed = false;
const stateDir = testTmpDir('shop-jaeger-');

beforeAll(async () => {
  jaeger = await startJaeger({ stateDir, logFile: join(stateDir, 'jaeger.log') });
  nats = await startBroker('test');
  // npm start's variables, plus a short batch delay so the last spans reach Jaeger quickly.
  system = await startSystem({
    mongoUrl: inject('mongoUrl'),
    natsUrl: nats.url,
    env: { ...tracingEnv(jaeger, {}), OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
}, BUILD_WAIT_MS);

afterAll(async () => {
  if (failed && system) process.stderr.write(`jaeger.e2e.ts failed; logs kept in ${system.logs} and ${stateDir}\n`);
  await system?.stop(failed);
  await nats?.stop();
  await jaeger?.stop();
});

const depthOf = (l: string) => (l.length - l.trimStart().length) / 2;
const nameOf = (l: string) => l.trimStart().split('  +')[0]!;

/** The waterfall's first line of `service: span`, with its indentation depth (two spaces a level). */
function line(lines: string[], service: string, span: string): { index: number; depth: number } {
  const index = lines.findIndex((l) => nameOf(l) === `${service}: ${span}`);
  if (index < 0) throw new Error(`no line "${service}: ${span}" in the waterfall`);
  return { index, depth: depthOf(lines[index]!) };
}

/** The `service: span` names of the lines right under line `index`, one level deeper. */
function childrenOf(lines: string[], index: number): string[] {
  const depth = depthOf(lines[index]!);
  const end = lines.findIndex((l, i) => i > index && depthOf(l) <= depth);
  return lines
    .slice(index + 1, end < 0 ? undefined : end)
    .filter((l) => depthOf(l) === depth + 1)
    .map(nameOf);
}

/** Whether the invoice email's send is in the waterfall: under messaging's handling of invoice.rendered. */
function hasInvoiceEmail(lines: string[]): boolean {
  const handled = lines.findIndex((l) => nameOf(l) === 'messaging: shop.invoice.rendered.v1 process');
  return handled >= 0 && childrenOf(lines, handled).includes('messaging: send email');
}

/** Runs the real `npm run trace -- <order number>` until its waterfall shows the invoice email; its lines. */
async function traceUntilEmail(orderNumber: string): Promise<string[]> {
  let lines: string[] = [];
  // The last spans (the email send) reach Jaeger after their batch delay: ask until they are there.
  await waitFor(
    'npm run trace to show the invoice email',
    async () => {
      const r = await runScript('scripts/src/trace.ts', ['--', orderNumber], {
        env: { JAEGER_URL: jaeger.queryUrl },
        timeoutMs: 180_000,
      });
      if (r.code !== 0 && !/no trace/.test(r.stderr)) throw new Error(`npm run trace exited ${r.code}: ${r.stderr}`);
      lines = r.stdout.trimEnd().split('\n');
      return hasInvoiceEmail(lines);
    },
    { timeoutMs: 300_000, intervalMs: 1_000 },
  );
  // The waterfall as an operator sees it, in the test log (the README's example comes from here).
  console.info(`npm run trace -- ${orderNumber}\n${lines.join('\n')}`);
  return lines;
}

/** Waits for the buyer's invoice email with its PDF in the mail catcher. */
async function invoiceEmail(email: string): Promise<void> {
  await waitFor('the invoice email (with its PDF)', () => readMails(system.mailDir).some((m) => m.to === email && m.hasPdf), {
    timeoutMs: 120_000,
    intervalMs: 500,
    failFast: () => system.unexpectedExit(),
  });
}

/** Every line after a trace's header is `service: span  +offset ms  duration ms` (errors appended). */
const SPAN_LINE = /^ *[\w-]+: .+ {2}\+\d+\.\d ms {2}\d+\.\d ms( {2}ERROR.*)?$/;

describe('SHOP_TRACING=jaeger: one purchase read back with npm run trace', () => {
  it('prints the gateway operation, checkout, reservation, outbox publish, order.paid in invoice, the render and the email', async () => {
    try {
      const { traceId, order, email } = await tracedPurchase(system, 'jaeger');
      await invoiceEmail(email);
      const lines = await traceUntilEmail(order.number);
      // One trace: the client's, found by the order number.
      expect(lines[0]).toMatch(new RegExp(`^trace ${traceId}: \\d+ spans$`));
      expect(lines.filter((l) => l.startsWith('trace '))).toHaveLength(1);
      const gateway = line(lines, 'gateway', 'gateway.request');
      const checkout = line(lines, 'order', 'order checkout');
      const reservation = line(lines, 'product', 'product reservation');
      expect(gateway.depth).toBeLessThan(checkout.depth);
      expect(checkout.depth).toBeLessThan(reservation.depth);

      const publish = line(lines, 'order', 'shop.order.paid.v1 publish');
      const paid = line(lines, 'invoice', 'shop.order.paid.v1 process');
      expect(paid.depth).toBe(publish.depth + 1);
      expect(paid.index).toBeGreaterThan(publish.index);

      const issued = line(lines, 'invoice-renderer', 'shop.invoice.issued.v1 process');
      expect(issued.depth).toBeGreaterThan(paid.depth);
      const render = line(lines, 'invoice-renderer', 'render invoice');
      expect(childrenOf(lines, issued.index)).toContain('invoice-renderer: render invoice');
      // Chromium's steps are the render's children: the lines right under it, one level deeper.
      expect(childrenOf(lines, render.index)).toEqual(
        expect.arrayContaining(['invoice-renderer: chromium setContent', 'invoice-renderer: chromium pdf']),
      );
      // The invoice email: sent by messaging's handling of invoice.rendered, below the render job in the tree.
      const rendered = line(lines, 'messaging', 'shop.invoice.rendered.v1 process');
      expect(childrenOf(lines, rendered.index)).toContain('messaging: send email');
      expect(rendered.depth).toBeGreaterThan(issued.depth);
      // Every line is `service: span  +offset ms  duration ms` (errors appended): the waterfall's format.
      for (const l of lines.slice(1)) expect(l).toMatch(SPAN_LINE);
    } catch (err) {
      failed = true;
      throw err;
    }
  }, 600_000);

  it('finds a purchase sent without a traceparent (Apollo Sandbox, GraphiQL) by its order number: checkout and payment, every hop', async () => {
    try {
      const { order, email } = await tracedPurchase(system, 'sandbox', { shareTrace: false });
      await invoiceEmail(email);
      const lines = await traceUntilEmail(order.number);
      // Two operations without a shared traceparent are two traces, read together as one purchase.
      expect(lines[0]).toMatch(new RegExp(`^order ${order.number}: 2 traces, \\d+ spans`));
      const headers = lines.flatMap((l, i) => (l.startsWith('trace ') ? [i] : []));
      expect(headers).toHaveLength(2);
      const checkoutTrace = lines.slice(headers[0], headers[1]);
      const paymentTrace = lines.slice(headers[1]);
      // The checkout's trace: the gateway operation, the order subgraph's checkout, product's reservation.
      expect(line(checkoutTrace, 'order', 'order checkout').depth).toBeGreaterThan(line(checkoutTrace, 'gateway', 'gateway.request').depth);
      expect(line(checkoutTrace, 'product', 'product reservation').depth).toBeGreaterThan(
        line(checkoutTrace, 'order', 'order checkout').depth,
      );
      // The payment's trace: its own gateway operation, then order.paid in invoice, the render, the email.
      line(paymentTrace, 'gateway', 'gateway.request');
      const publish = line(paymentTrace, 'order', 'shop.order.paid.v1 publish');
      expect(line(paymentTrace, 'invoice', 'shop.order.paid.v1 process').depth).toBe(publish.depth + 1);
      const render = line(paymentTrace, 'invoice-renderer', 'render invoice');
      expect(childrenOf(paymentTrace, render.index)).toContain('invoice-renderer: chromium pdf');
      expect(hasInvoiceEmail(paymentTrace)).toBe(true);
      for (const l of lines.slice(1).filter((l) => !l.startsWith('trace '))) expect(l).toMatch(SPAN_LINE);
    } catch (err) {
      failed = true;
      throw err;
    }
  }, 600_000);
});
