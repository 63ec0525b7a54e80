import {
  ConflictError,
  connectMongo,
  contentionPause,
  ensureIndexes,
  isConflict,
  KeyedSerializer,
  type Attempt,
  markerId,
  type Numbering,
} from '@shop/kit';
import { allModels, createModels, OrderStore, type OrderDoc, type OrderModels } from '@shop/order';
import { randomUUID } from 'node:crypto';

/**
 * Order numbering on the store directly: `writers` concurrent checkouts spread over two `OrderStore`s on
 * two connections (two replicas), each placing orders for `seconds`. Before, `history` orders of the
 * year exist (with their number markers) and each store has placed one order, untimed, as a running
 * replica has. Afterwards the numbers of the year are checked to be exactly 1..n. Two numberings: the
 * current one (kit's `GaplessNumbering`: a remembered hint, `_id` probes of number markers, no sort)
 * and, as the BASELINE only, the algorithm it replaced (`findOne({year}).sort({seq:-1})` whenever the
 * hint is missing or lost a race), each on a year of its own.
 */

/** BASELINE, kept here only to measure against: the "sort all, take the highest" numbering orders and invoices used before. */
class SortedHighestNumbering implements Numbering {
  private readonly serial = new KeyedSerializer();
  private readonly last = new Map<string, number>();
  constructor(private readonly m: OrderModels) {}

  claim<T>(scope: string, attempt: Attempt<T>): Promise<T> {
    return this.serial.run(scope, async () => {
      for (let i = 0; i < 200; i++) {
        const seq = (this.last.get(scope) ?? (await this.highest(Number(scope)))) + 1;
        const outcome = await attempt(seq, () => Promise.resolve(false)); // no markers: the store looks for its idempotency key, as before
        if (outcome.kind === 'done') {
          if (outcome.inserted) this.last.set(scope, seq);
          return outcome.result;
        }
        this.last.delete(scope);
        await contentionPause(i);
      }
      throw new ConflictError('baseline numbering');
    });
  }

  private async highest(year: number): Promise<number> {
    return (await this.m.Order.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean())?.seq ?? 0;
  }
}

/** A one-line guest order of `at`'s year, as checkout hands it to `OrderStore.place`. */
function sampleOrder(at: Date): Parameters<OrderStore['place']>[0] {
  const key = randomUUID();
  const address = { name: 'Bench', line1: '1 Loop Road', line2: null, city: 'Localhost', region: null, postalCode: '12345', country: 'US' };
  const line = { productId: 'bench-product', sku: 'BENCH-1', name: 'Bench item', unitPrice: 500, quantity: 1, lineTotal: 500 };
  return {
    _id: `bench-${key}`,
    cartId: `cart-${key}`,
    idempotencyKey: key,
    customerId: null,
    email: 'bench@shop.example',
    phone: null,
    shippingAddress: address,
    lines: [line],
    subtotal: 500,
    tax: 0,
    total: 500,
    currency: 'USD',
    taxRateBps: 0,
    createdAt: at,
  };
}

interface Run {
  placed: number;
  perSec: number;
  p50: number;
  p99: number;
  /** Answered the retryable CONFLICT (retry bound reached). */
  failed: number;
  gapless: boolean;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function seedHistory(m: OrderModels, year: number, count: number): Promise<void> {
  const at = new Date(Date.UTC(year, 0, 1));
  for (let from = 0; from < count; from += 500) {
    const batch: OrderDoc[] = Array.from({ length: Math.min(500, count - from) }, (_, i) => {
      const seq = from + i + 1;
      return { ...sampleOrder(at), year, seq, number: `SO-${year}-${String(seq).padStart(6, '0')}`, event: null, publishedAt: at };
    });
    await m.Order.insertMany(batch, { ordered: true });
    await m.OrderNumber.insertMany(batch.map((o) => ({ _id: markerId(String(year), o.seq) })));
  }
}

async function race(stores: OrderStore[], year: number, writers: number, seconds: number): Promise<Omit<Run, 'gapless'>> {
  const at = new Date(Date.UTC(year, 6, 1));
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const store = stores[w % stores.length]!;
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await store.place(sampleOrder(at), () => null);
          latencies.push(performance.now() - t);
        } catch (err) {
          if (!isConflict(err)) throw err; // CONFLICT is the bounded-retry answer; anything else is a bug
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  return { placed: latencies.length, perSec: latencies.length / elapsed, p50: pct(latencies, 50), p99: pct(latencies, 99), failed };
}

async function gapless(m: OrderModels, year: number): Promise<boolean> {
  const seqs = (await m.Order.find({ year }, { seq: 1 }).lean()).map((o) => o.seq).sort((x, y) => x - y);
  return seqs.every((s, i) => s === i + 1);
}

export async function runNumberingBench(
  mongoUrl: string,
  opts: { writers: number; seconds: number; history: number },
): Promise<Record<string, string | number>[]> {
  const dbName = `bench_numbering_${Date.now()}`;
  const [a, b] = await Promise.all([connectMongo(mongoUrl, dbName), connectMongo(mongoUrl, dbName)]);
  try {
    const [ma, mb] = [createModels(a), createModels(b)];
    await ensureIndexes(allModels(ma));
    const variants = [
      { name: 'hint + marker probes (current)', year: 2101, stores: [new OrderStore(ma), new OrderStore(mb)] },
      {
        name: 'BASELINE: sort all, take the highest',
        year: 2102,
        stores: [new OrderStore(ma, new SortedHighestNumbering(ma)), new OrderStore(mb, new SortedHighestNumbering(mb))],
      },
    ];
    const rows: Record<string, string | number>[] = [];
    for (const v of variants) {
      await seedHistory(ma, v.year, opts.history);
      // Running replicas: each store has numbered before (its first number, found cold, is not timed).
      for (const store of v.stores) await store.place(sampleOrder(new Date(Date.UTC(v.year, 6, 1))), () => null);
      const r = await race(v.stores, v.year, opts.writers, opts.seconds);
      rows.push({
        numbering: v.name,
        'orders before': opts.history,
        writers: `${opts.writers} on 2 stores`,
        'orders/s': r.perSec.toFixed(1),
        'p50 ms': Math.round(r.p50),
        'p99 ms': Math.round(r.p99),
        CONFLICT: r.failed,
        'gapless 1..n': (await gapless(ma, v.year)) ? `yes (n = ${opts.history + 2 + r.placed})` : 'NO',
      });
    }
    return rows;
  } finally {
    await a.dropDatabase();
    await Promise.all([a.close(), b.close()]);
  }
}
