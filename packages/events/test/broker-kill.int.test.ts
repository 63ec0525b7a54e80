import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { freePort, testTmpDir, waitFor, type NatsInstance } from '@shop/harness';
import { startConsumer, type RunningConsumer } from '../src/index.js';
import { connectBroker, log, orderPaid, privateNats, publishRaw, tagOf, type Broker } from './helpers.js';

/**
 * A consumer ends its loop when its durable is deleted (that is fatal for the service), but a broker
 * SIGKILLed and restarted on the same store is an outage, not a deleted consumer: the loop carries on.
 */
describe('nats-server SIGKILLed and restarted', () => {
  let dir: string;
  let port: number;
  let nats: NatsInstance;
  let broker: Broker;
  let consumer: RunningConsumer | undefined;

  beforeAll(async () => {
    dir = testTmpDir('shop-events-broker-kill-');
    port = await freePort();
    nats = await privateNats(port, dir);
    broker = await connectBroker(nats.url, 'events-broker-kill');
  });

  afterAll(async () => {
    await consumer?.stop();
    await broker?.nc.close();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the consumer loop running and handles events published after the restart', async () => {
    const tag = tagOf('kill');
    const handled: string[] = [];
    let ended = false;
    consumer = await startConsumer({
      nc: broker.nc,
      subject: 'shop.order.paid.v1',
      durable: 'test--broker-kill',
      deliverPolicy: DeliverPolicy.New,
      retry: { baseDelayMs: 50, maxDelayMs: 200, maxDeliver: 5 },
      log,
      handler: (event) => {
        handled.push(event.id);
        return Promise.resolve();
      },
    });
    void consumer.done.finally(() => (ended = true));
    const publish = async () => {
      const e = orderPaid(tag);
      await publishRaw(broker.js, e.type, JSON.stringify(e), e.id, tag);
      return e.id;
    };
    const first = await publish();
    await waitFor('the first event', () => handled.includes(first));

    await nats.process!.kill('SIGKILL');
    nats = await privateNats(port, dir);
    const second = await waitFor('a publish after the restart', () => publish().catch(() => undefined), { timeoutMs: 30_000 });
    await waitFor('the event published after the restart', () => handled.includes(second), { timeoutMs: 60_000 });
    expect(ended).toBe(false);
  }, 120_000);
});
