import { inSpan, startPeriodic, type Logger } from '@shop/kit';
import type { Orders } from './orders.js';
import { PAYMENT_TIMEOUT } from './orders.js';
import type { OrderStore } from './store.js';

/** A deadline whose order never appeared (a checkout that crashed or lost a race) is settled this long after it passed. */
const ORPHAN_GRACE_MS = 10 * 60_000;

/**
 * Cancels orders still PENDING_PAYMENT when their payment deadline (checkout + ORDER_PAYMENT_TIMEOUT)
 * has passed; `order.cancelled` then gives the stock back. The cancellation is an appended transition
 * decided against the exact state, so a payment that lands at the same moment wins or loses cleanly.
 * Settled deadlines are marked so later sweeps skip them. Returns how many orders it cancelled.
 */
export async function sweepPaymentTimeouts(
  store: OrderStore,
  orders: Orders,
  timeoutLabel: string,
  now = new Date(),
  batch = 100,
): Promise<number> {
  let cancelled = 0;
  const skipped = new Set<string>();
  for (;;) {
    const due = (await store.dueDeadlines(now, batch + skipped.size)).filter((d) => !skipped.has(d._id));
    for (const d of due) {
      const before = await store.get(d._id);
      if (!before) {
        if (now.getTime() - d.dueAt.getTime() >= ORPHAN_GRACE_MS) await store.settleDeadline(d._id, now);
        else skipped.add(d._id);
        continue;
      }
      // A cancellation is a trace of its own (drawn at the sampling ratio): `order.cancelled` continues it.
      const after =
        before.status === 'PENDING_PAYMENT'
          ? await inSpan(
              'order payment timeout',
              { newTrace: true, attributes: { 'shop.order.id': d._id, 'shop.order.number': before.order.number } },
              () => orders.expire(d._id, PAYMENT_TIMEOUT, `Cancelled: payment not received within ${timeoutLabel}`),
            )
          : before;
      if (before.status === 'PENDING_PAYMENT' && after?.status === 'CANCELLED') cancelled++;
      await store.settleDeadline(d._id, now);
    }
    if (due.length < batch) return cancelled;
  }
}

/** Runs the sweep every `intervalMs`. Returns a stop function that waits for a sweep in progress. */
export function startPaymentTimeoutSweeper(
  store: OrderStore,
  orders: Orders,
  timeoutLabel: string,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  return startPeriodic('payment timeout sweep', intervalMs, log, async () => {
    const cancelled = await sweepPaymentTimeouts(store, orders, timeoutLabel);
    if (cancelled > 0) log.info({ cancelled }, 'cancelled orders past their payment deadline');
  });
}
