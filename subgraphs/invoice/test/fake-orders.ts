import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CONTEXT_HEADER, verifyContext } from '@shop/kit';
import { priceLines } from '@shop/money';
import { TEST_SIGNER_KEYS } from '@shop/harness';
import type { OrderForInvoice } from '../src/services.js';

/**
 * A stand-in for the order subgraph's `order(id)`: it answers only requests signed as `service:invoice`
 * (what the real order service allows, see its access.ts READERS) with the orders the test registered.
 */
export class FakeOrders {
  readonly orders = new Map<string, OrderForInvoice>();
  calls = 0;
  url = '';

  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.calls++;
      const verified = verifyContext(TEST_SIGNER_KEYS, req.headers[CONTEXT_HEADER] as string | undefined);
      res.setHeader('content-type', 'application/json');
      if (!verified.ok || verified.context.caller.kind !== 'service' || verified.context.caller.service !== 'invoice') {
        res.end(JSON.stringify({ errors: [{ message: 'unauthenticated' }] }));
        return;
      }
      const { variables } = JSON.parse(body) as { variables: { id: string } };
      res.end(JSON.stringify({ data: { order: this.orders.get(variables.id) ?? null } }));
    });
  });

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
    return this;
  }

  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Registers a paid order with `lines` (net unit prices, tax 20 %) and returns it. */
  add(lines: { sku?: string; name?: string; unitPrice: number; quantity: number }[], customerId: string | null = null): OrderForInvoice {
    const id = randomUUID();
    const priced = priceLines(lines, 2000);
    const currency = 'USD';
    const order: OrderForInvoice = {
      id,
      number: `SO-2026-${String(this.orders.size + 1).padStart(6, '0')}`,
      status: 'PAID',
      customerId,
      email: 'ada@example.com',
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        line2: null,
        city: 'London',
        region: null,
        postalCode: 'SW1Y 4JH',
        country: 'GB',
      },
      lines: lines.map((l, i) => ({
        sku: l.sku ?? `SKU-${i + 1}`,
        name: l.name ?? `Product number ${i + 1}`,
        unitPrice: { amount: l.unitPrice, currency },
        quantity: l.quantity,
        lineTotal: { amount: priced.lines[i]!.lineTotal },
      })),
      subtotal: { amount: priced.subtotal, currency },
      tax: { amount: priced.tax },
      total: { amount: priced.total, currency },
    };
    this.orders.set(id, order);
    return order;
  }
}
