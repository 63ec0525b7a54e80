import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError, createLogger } from '@shop/kit';
import { booksFile, type Books } from './books.js';
import { loadConfig } from './config.js';
import { buildSandbox } from './server.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'payment-books-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const books: Books = {
  version: 1,
  payments: [
    {
      payment: {
        id: 'pay_1',
        status: 'succeeded',
        amount: 500,
        currency: 'EUR',
        reference: 'ref-1',
        metadata: { orderId: 'o1' },
        amountRefunded: 200,
        refunds: [{ id: 're_1', amount: 200, status: 'succeeded', created: 1_764_072_000 }],
        created: 1_764_072_000,
      },
      webhookUrl: 'http://127.0.0.1:9/hooks',
      delayWebhook: false,
      loseWebhooks: false,
    },
  ],
  idempotency: [{ key: 'k1', fingerprint: 'f1', response: { status: 201, body: { id: 'pay_1' } } }],
};

describe('the books file', () => {
  it('is absent at first (its directory is created), then reads back what was saved, leaving no temporary file', () => {
    const file = booksFile(join(dir, 'state'));
    expect(file.load()).toBeUndefined();
    expect(existsSync(join(dir, 'state'))).toBe(true);
    file.save(books);
    expect(file.load()).toEqual(books);
    expect(readdirSync(join(dir, 'state'))).toEqual(['books.json']);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    writeFileSync(join(dir, 'books.json'), '{"version":1,"payments":[');
    expect(() => booksFile(dir).load()).toThrow(StateFileError);
    expect(() => booksFile(dir).load()).toThrow(`${join(dir, 'books.json')}: not a valid state file`);
  });

  it('refuses JSON that is not books, naming the file and every problem', () => {
    const bad = structuredClone(books) as unknown as { payments: { payment: Record<string, unknown> }[]; idempotency: unknown[] };
    bad.payments[0]!.payment.amount = '500';
    bad.idempotency.push({ key: 'k2' });
    writeFileSync(join(dir, 'books.json'), JSON.stringify(bad));
    try {
      booksFile(dir).load();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StateFileError);
      expect((err as StateFileError).path).toBe(join(dir, 'books.json'));
      expect((err as StateFileError).problems).toEqual([
        expect.stringMatching(/^payments\.0\.payment\.amount: /),
        expect.stringMatching(/^idempotency\.1\.fingerprint: /),
        expect.stringMatching(/^idempotency\.1\.response: /),
      ]);
    }
  });

  it('stops the sandbox from being built over an invalid file, instead of starting empty', () => {
    writeFileSync(join(dir, 'books.json'), '[]');
    const config = loadConfig({ NODE_ENV: 'test', SANDBOX_STATE_DIR: dir });
    expect(() => buildSandbox(config, createLogger('payment-sandbox', 'silent'))).toThrow(
      `${join(dir, 'books.json')}: not a valid state file`,
    );
  });

  it('is what a sandbox built on it starts with', () => {
    booksFile(dir).save(books);
    const { ledger, idempotency } = buildSandbox(
      loadConfig({ NODE_ENV: 'test', SANDBOX_STATE_DIR: dir }),
      createLogger('payment-sandbox', 'silent'),
    );
    expect(ledger.get('pay_1')).toEqual(books.payments[0]!.payment);
    expect(ledger.charges({ reference: 'ref-1' })).toMatchObject({ charges: 1, succeeded: 1, amountCaptured: 500, amountRefunded: 200 });
    expect(idempotency.lookup('k1', 'f1')).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'pay_1' } } });
  });
});
