import { setTimeout as sleep } from 'node:timers/promises';
import { ShopClient } from './client.js';
import { purchase, type PurchaseKind, type PurchasePlan, type PurchaseResult, type PurchaseTiming } from './purchase.js';

/** Purchase kinds and their shares (summing to 1). */
export type PurchaseMix = readonly (readonly [PurchaseKind, number])[];

/** The purchase mix: mostly plain card payments, then 3-D Secure, a declined card first, a cancellation. */
export const MIX: PurchaseMix = [
  ['visa', 0.45],
  ['3ds', 0.2],
  ['declined-then-visa', 0.2],
  ['cancel-after-paid', 0.15],
];

function pick(random: () => number, mix: PurchaseMix): PurchaseKind {
  let r = random();
  for (const [kind, share] of mix) {
    if (r < share) return kind;
    r -= share;
  }
  return 'visa';
}

/** `count` purchases over the products, each one or two lines of one or two units; every other one with a phone. */
export function planPurchases(count: number, productIds: readonly string[], random: () => number, mix: PurchaseMix = MIX): PurchasePlan[] {
  return Array.from({ length: count }, (_, index) => {
    const first = Math.floor(random() * productIds.length);
    const ids = random() < 0.3 ? [productIds[first]!, productIds[(first + 1) % productIds.length]!] : [productIds[first]!];
    return {
      index,
      kind: pick(random, mix),
      lines: ids.map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 2) })),
      phone: index % 2 === 0 ? `+4915112${String(index).padStart(5, '0')}` : null,
    };
  });
}

export interface LoadOptions {
  client: ShopClient;
  concurrency: number;
  /** Purchases start evenly over this span, so the load lasts as long as the fault schedule. */
  spreadMs: number;
  timing: PurchaseTiming;
  log: (line: string) => void;
}

export interface LoadResult {
  results: PurchaseResult[];
  /** Transient failures the client saw and retried, by error. */
  retried: Map<string, number>;
}

/** The client the purchases share; `retried` counts the transient failures it retried, by error. */
export function shopClient(gatewayUrl: string): { client: ShopClient; retried: Map<string, number> } {
  const retried = new Map<string, number>();
  const client = new ShopClient({
    url: gatewayUrl,
    requestTimeoutMs: 30_000,
    retryBudgetMs: 180_000,
    onRetry: (what, error) => {
      const key = `${what}: ${error}`;
      retried.set(key, (retried.get(key) ?? 0) + 1);
    },
  });
  return { client, retried };
}

/** Runs every plan with at most `concurrency` in flight, starting the i-th no earlier than i × spread / n. */
export async function driveLoad(plans: readonly PurchasePlan[], opts: LoadOptions): Promise<PurchaseResult[]> {
  const started = Date.now();
  const gap = plans.length > 1 ? opts.spreadMs / plans.length : 0;
  const results: PurchaseResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < plans.length; i = next++) {
      const due = started + i * gap;
      if (due > Date.now()) await sleep(due - Date.now());
      const r = await purchase(opts.client, plans[i]!, opts.timing);
      results.push(r);
      const done = results.length;
      const failed = results.filter((x) => x.outcome === 'failed').length;
      if (r.outcome === 'failed') opts.log(`purchase #${i} (${r.plan.kind}) FAILED: ${r.error}`);
      if (done % 10 === 0 || done === plans.length) opts.log(`purchases: ${done}/${plans.length} done, ${failed} failed`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, plans.length) }, worker));
  return results.sort((a, b) => a.plan.index - b.plan.index);
}
