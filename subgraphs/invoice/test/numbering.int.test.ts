import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvoiceService, type StartedInvoiceService } from '../src/server.js';
import { log, paidEvent, startEnv, type Env } from './helpers.js';

/**
 * Invoice numbering under heavy contention from three replicas of the invoice service on one
 * database, with duplicate deliveries racing too: every order gets exactly one invoice, the numbers
 * of the year are 1..n without a gap, and no issue fails (a lost race is retried with jitter inside
 * the bound, and past it the retryable CONFLICT would send the event back for redelivery).
 */

let env: Env;
const replicas: StartedInvoiceService[] = [];
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  env = await startEnv({ events: false });
  for (let i = 0; i < 2; i++) replicas.push(await startInvoiceService(env.config, log(`invoice-replica-${i}`)));
});
afterAll(async () => {
  for (const r of replicas) await r.close();
  await env?.close();
});

describe('gapless numbering across replicas', () => {
  it('60 orders paid at once on three replicas, 20 of them delivered twice: 60 invoices numbered 1..60', async () => {
    const services = [env.invoice, ...replicas];
    const orders = Array.from({ length: 60 }, (_, i) => env.orders.add([{ unitPrice: 1000 + i, quantity: 1 }]));
    const events = orders.map((o) => paidEvent(o));
    const calls = [
      ...events.map((e, i) => services[i % 3]!.invoices.orderPaid(e)),
      ...events.slice(0, 20).map((e, i) => services[(i + 1) % 3]!.invoices.orderPaid(e)),
    ];
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.issued)).toHaveLength(60);

    const all = await env.invoice.models.Invoice.find({ year }).sort({ seq: 1 }).lean();
    expect(all.map((i) => i.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(all.map((i) => i.orderId)).size).toBe(60);
    // a duplicate delivery was answered with the very invoice the first one issued
    for (const [i, r] of results.slice(60).entries()) expect(r.invoice._id).toBe(all.find((inv) => inv.orderId === orders[i]!.id)!._id);
  });
});
