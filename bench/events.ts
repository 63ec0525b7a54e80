import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { createLogger } from '@shop/kit';
import { connectNats, createEvent, ensureStreams, startConsumer } from '@shop/events';
import { waitFor } from '@shop/harness';

/**
 * Events per second through one durable consumer (the production consume loop: validation, explicit
 * acks, bounded concurrency), after publishing `count` valid `shop.order.paid.v1` events with msgIDs.
 */
export async function runEventsBench(natsUrl: string, count: number, concurrency: number): Promise<Record<string, string | number>[]> {
  if (!/^nats:\/\/127\.0\.0\.1:/.test(natsUrl)) throw new Error(`benchmarks target loopback only, not ${natsUrl}`);
  const log = createLogger('bench', 'silent');
  const nc = await connectNats(natsUrl, 'bench-events', log);
  try {
    await ensureStreams(await jetstreamManager(nc));
    const js = jetstream(nc);
    const publishStarted = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const event = createEvent(
        'shop.order.paid.v1',
        {
          orderId: randomUUID(),
          number: `SO-2026-${String(i % 1_000_000).padStart(6, '0')}`,
          paymentId: randomUUID(),
          total: 1000 + i,
          currency: 'USD',
        },
        { source: 'bench', correlationId: randomUUID() },
      );
      const h = headers();
      h.set('content-type', 'application/json');
      pending.push(js.publish('shop.order.paid.v1', JSON.stringify(event), { msgID: event.id, headers: h }));
      if (pending.length >= 500) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const publishMs = performance.now() - publishStarted;

    let handled = 0;
    const consumeStarted = performance.now();
    const consumer = await startConsumer({
      nc,
      subject: 'shop.order.paid.v1',
      durable: `bench--order-paid-${randomUUID().slice(0, 8)}`,
      concurrency,
      retry: { baseDelayMs: 100, maxDelayMs: 1_000, maxDeliver: 3 },
      log,
      handler: () => {
        handled++;
        return Promise.resolve();
      },
    });
    await waitFor(`${count} events consumed`, () => handled >= count, { timeoutMs: 120_000, intervalMs: 20 });
    const consumeMs = performance.now() - consumeStarted;
    await consumer.stop();
    return [
      {
        events: count,
        'publish events/s (pipelined, msgID)': Math.round(count / (publishMs / 1000)),
        [`consume events/s (one consumer, concurrency ${concurrency})`]: Math.round(count / (consumeMs / 1000)),
      },
    ];
  } finally {
    await nc.drain();
  }
}
