import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { Connection, Model } from 'mongoose';
import { waitFor, type NatsInstance } from '@shop/harness';
import {
  ensureConsumer,
  getDeadLetter,
  insertOnce,
  listDeadLetters,
  PermanentError,
  startConsumer,
  type EventHandler,
  type RunningConsumer,
  type StartConsumerOptions,
} from '../src/index.js';
import {
  connectBroker,
  dropMongo,
  log,
  notesModel,
  paymentSucceeded,
  privateNats,
  publishRaw,
  tagOf,
  testMongo,
  type Broker,
  type NoteDoc,
} from './helpers.js';

const SUBJECT = 'shop.payment.succeeded.v1';
type Handler = EventHandler<typeof SUBJECT>;

let nats: NatsInstance;
let broker: Broker;
let conn: Connection;
let Notes: Model<NoteDoc>;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  nats = await privateNats();
  broker = await connectBroker(nats.url);
  conn = await testMongo('events_consumer');
  Notes = await notesModel(conn);
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await broker?.nc.drain();
  await nats?.stop();
  await dropMongo(conn);
});

/** A consumer of its own for one test; it acks (ignores) events of other tests. */
async function consume(tag: string, handler: Handler, opts: Partial<StartConsumerOptions<typeof SUBJECT>> = {}) {
  const c = await startConsumer({
    nc: broker.nc,
    subject: SUBJECT,
    durable: `test--${tag}`,
    deliverPolicy: DeliverPolicy.New,
    retry: { baseDelayMs: 50, maxDelayMs: 400, maxDeliver: 3 },
    log,
    handler: (event, meta) => (event.correlationId === tag ? handler(event, meta) : Promise.resolve()),
    ...opts,
  });
  running.push(c);
  return c;
}

const publish = (tag: string, amount?: number) => {
  const event = paymentSucceeded(tag, amount);
  return publishRaw(broker.js, SUBJECT, JSON.stringify(event), event.id, tag).then((ack) => ({ event, ack }));
};

const consumerState = (durable: string) => broker.jsm.consumers.info('PAYMENTS', durable);
/** Everything delivered has been acked or terminated. */
const settled = async (durable: string) => {
  const info = await consumerState(durable);
  return info.num_ack_pending === 0 && info.num_pending === 0 ? info : undefined;
};

describe('consumer: retries', () => {
  it('retries a transient failure with a growing delay and succeeds without dead-lettering', async () => {
    const tag = tagOf('transient');
    const attempts: { deliveryCount: number; at: number; correlationId: string }[] = [];
    let done = 0;
    const c = await consume(
      tag,
      (_event, meta) => {
        attempts.push({ deliveryCount: meta.deliveryCount, at: performance.now(), correlationId: meta.correlationId });
        if (meta.deliveryCount < 3) return Promise.reject(new Error('database briefly unavailable'));
        done++;
        return Promise.resolve();
      },
      { retry: { baseDelayMs: 150, maxDelayMs: 2_000, maxDeliver: 4 } },
    );
    const { event } = await publish(tag);
    await waitFor('the third delivery to succeed', () => done === 1);
    await waitFor('the consumer to settle', () => settled(`test--${tag}`));

    expect(attempts.map((a) => a.deliveryCount)).toEqual([1, 2, 3]);
    expect(attempts.every((a) => a.correlationId === tag)).toBe(true);
    const [a1, a2, a3] = attempts.map((a) => a.at) as [number, number, number];
    // Lower bounds only: the server holds the message back at least this long; load can only add to it.
    expect(a2 - a1).toBeGreaterThanOrEqual(140); // base delay
    expect(a3 - a2).toBeGreaterThanOrEqual(290); // doubled
    expect(c.stats()).toMatchObject({ acked: 1, retried: 2, deadLettered: 0 });
    expect((await listDeadLetters(broker.jsm)).filter((d) => d.eventId === event.id)).toEqual([]);
  });
});

describe('consumer: concurrency', () => {
  it('runs at most `concurrency` handlers and pulls only that many ahead', async () => {
    const tag = tagOf('bounded');
    let active = 0;
    let maxActive = 0;
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    onTestFinished(() => release());
    await consume(
      tag,
      async () => {
        started++;
        maxActive = Math.max(maxActive, ++active);
        await gate;
        active--;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) await publish(tag);
    await waitFor('two handlers to run', () => started === 2);
    await broker.nc.flush();
    const info = await consumerState(`test--${tag}`);
    expect(started).toBe(2);
    expect(info.num_ack_pending).toBeLessThanOrEqual(4); // two in flight, at most two buffered
    expect(info.num_pending).toBeGreaterThanOrEqual(2); // the rest waits on the server
    release();
    await waitFor('all six', () => started === 6);
    await waitFor('the consumer to settle', () => settled(`test--${tag}`));
    expect(maxActive).toBe(2);
  });
});

describe('consumer: idempotency', () => {
  it('has one effect when the same event is delivered several times, even concurrently', async () => {
    const tag = tagOf('dupe');
    let calls = 0;
    const outcomes: boolean[] = [];
    await consume(
      tag,
      async (event) => {
        calls++;
        outcomes.push(
          await insertOnce(Notes, {
            _id: randomUUID(),
            orderId: event.data.orderId,
            sourceEventId: event.id,
            text: `paid ${event.data.amount}`,
            at: new Date(),
          }),
        );
      },
      { concurrency: 4 },
    );
    const event = paymentSucceeded(tag, 4200);
    // Three copies that JetStream cannot dedupe (different msgIDs): a redrive, or a re-publish past the window.
    const body = JSON.stringify(event);
    await Promise.all([0, 1, 2].map((i) => publishRaw(broker.js, SUBJECT, body, `${event.id}:${i}`, tag)));

    await waitFor('three deliveries', () => calls === 3);
    await waitFor('the consumer to settle', () => settled(`test--${tag}`));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const notes = await Notes.find({ sourceEventId: event.id }).lean();
    expect(notes.map((n) => [n.orderId, n.text])).toEqual([[event.data.orderId, 'paid 4200']]);
  });
});

describe('consumer: graceful stop', () => {
  it('stop() waits for the handler in flight, acks it, and pulls nothing more', async () => {
    const tag = tagOf('stop');
    let started = 0;
    let finished = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    onTestFinished(() => release());
    const c = await consume(tag, async () => {
      started++;
      await gate;
      finished++;
    });
    const { ack } = await publish(tag);
    await waitFor('the handler to start', () => started === 1);

    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await broker.nc.flush();
    expect((await consumerState(`test--${tag}`)).num_ack_pending).toBe(1);
    expect(stopped).toBe(false);

    release();
    await stopping;
    expect(finished).toBe(1);
    await waitFor('the ack to reach the server', async () => (await consumerState(`test--${tag}`)).ack_floor.stream_seq >= ack.seq);

    await publish(tag);
    await broker.nc.flush();
    const info = await consumerState(`test--${tag}`);
    expect(info.num_pending).toBe(1); // waiting on the server, not pulled by the stopped consumer
    expect(started).toBe(1);
  });

  it('keeps a long handler alive past the ack wait instead of getting it redelivered', async () => {
    const tag = tagOf('long');
    const deliveries: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    onTestFinished(() => release());
    await consume(
      tag,
      async (_e, meta) => {
        deliveries.push(meta.deliveryCount);
        await gate;
      },
      { ackWaitMs: 600 },
    );
    await publish(tag);
    await waitFor('the handler to start', () => deliveries.length === 1);
    const t0 = Date.now();
    // Three ack waits later it has still not been redelivered (working() every ackWait/3).
    await waitFor('three ack waits to pass', () => Date.now() - t0 > 1_800, { timeoutMs: 5_000 });
    expect(deliveries).toEqual([1]);
    release();
    await waitFor('the consumer to settle', () => settled(`test--${tag}`));
    expect(deliveries).toEqual([1]);
  });
});

describe('consumer: handler deadline', () => {
  it('naks a handler frozen past its deadline as a transient failure, aborts its signal, and the redelivery succeeds', async () => {
    const tag = tagOf('frozen');
    const deliveries: number[] = [];
    let firstSignal: AbortSignal | undefined;
    const c = await consume(
      tag,
      async (_e, meta) => {
        deliveries.push(meta.deliveryCount);
        if (meta.deliveryCount === 1) {
          firstSignal = meta.signal;
          // A dependency that never answers: only the consumer's deadline can end this delivery.
          await new Promise<void>(() => {});
        }
      },
      { ackWaitMs: 600, handlerTimeoutMs: 1_000 },
    );
    const { event } = await publish(tag);
    await waitFor('the redelivery to succeed', () => settled(`test--${tag}`).then((info) => (deliveries.length === 2 ? info : undefined)), {
      timeoutMs: 15_000,
    });
    expect(deliveries).toEqual([1, 2]);
    expect(firstSignal?.aborted).toBe(true);
    expect(c.stats()).toMatchObject({ acked: 1, retried: 1, deadLettered: 0, inFlight: 0 });
    expect((await listDeadLetters(broker.jsm)).filter((d) => d.eventId === event.id)).toEqual([]);
  });
});

describe('consumer: poison messages', () => {
  it('dead-letters a payload that breaks the contract at once, without calling the handler', async () => {
    const tag = tagOf('invalid');
    let calls = 0;
    const c = await consume(tag, () => {
      calls++;
      return Promise.resolve();
    });
    const bad = JSON.stringify({ id: randomUUID(), type: SUBJECT, data: { amount: -1 } });
    const ack = await publishRaw(broker.js, SUBJECT, bad, `bad-${tag}`, tag);

    const dl = await waitFor('the dead letter', async () => (await listDeadLetters(broker.jsm, { consumer: `test--${tag}` }))[0]);
    expect(calls).toBe(0);
    expect(dl).toMatchObject({
      originalSubject: SUBJECT,
      consumer: `test--${tag}`,
      kind: 'invalid',
      deliveryCount: 1,
      originalStream: 'PAYMENTS',
      originalSeq: ack.seq,
      eventId: `bad-${tag}`,
      correlationId: tag,
      body: bad,
    });
    expect(dl.error).toMatch(/^invalid shop\.payment\.succeeded\.v1 event: .*data\.amount/);
    expect(dl.headers['Shop-Error']).toEqual([dl.error]);
    expect(dl.headers['Shop-Delivery-Count']).toEqual(['1']);
    expect(dl.headers['Shop-Consumer']).toEqual([`test--${tag}`]);
    expect(dl.headers['Nats-Msg-Id']).toEqual([`dlq:PAYMENTS:${ack.seq}:test--${tag}`]);
    await waitFor('the original to be terminated', () => settled(`test--${tag}`));
    expect(c.stats().deadLettered).toBe(1);
  });

  it('dead-letters a PermanentError on the first delivery with its reason', async () => {
    const tag = tagOf('permanent');
    let calls = 0;
    await consume(tag, (event) => {
      calls++;
      return Promise.reject(new PermanentError(`order ${event.data.orderId} does not exist`));
    });
    const { event } = await publish(tag);
    const dl = await waitFor('the dead letter', async () => (await listDeadLetters(broker.jsm, { consumer: `test--${tag}` }))[0]);
    expect(dl).toMatchObject({
      kind: 'permanent',
      deliveryCount: 1,
      eventId: event.id,
      error: `order ${event.data.orderId} does not exist`,
    });
    expect(dl.json).toEqual(event);
    await waitFor('the original to be terminated', () => settled(`test--${tag}`));
    expect(calls).toBe(1);
  });

  it('dead-letters once after the last allowed delivery fails', async () => {
    const tag = tagOf('exhausted');
    const deliveries: number[] = [];
    await consume(tag, (_e, meta) => {
      deliveries.push(meta.deliveryCount);
      return Promise.reject(new Error('payment provider returns 500'));
    });
    const { event, ack } = await publish(tag);
    const dl = await waitFor('the dead letter', async () => (await listDeadLetters(broker.jsm, { consumer: `test--${tag}` }))[0]);
    expect(deliveries).toEqual([1, 2, 3]);
    expect(dl).toMatchObject({ kind: 'exhausted', deliveryCount: 3, eventId: event.id, originalSeq: ack.seq });
    expect(dl.error).toBe('failed 3 deliveries; last error: payment provider returns 500');
    await waitFor('the original to be terminated', () => settled(`test--${tag}`));
    expect(await listDeadLetters(broker.jsm, { consumer: `test--${tag}` })).toHaveLength(1);
  });

  it('copies a message that ran out of deliveries without a decision (crashed worker) via the max-deliveries advisory', async () => {
    const tag = tagOf('crashed');
    const durable = `test--${tag}`;
    await ensureConsumer(broker.jsm, { durable, subject: SUBJECT, maxDeliver: 2, ackWaitMs: 500, deliverPolicy: DeliverPolicy.New });
    const { event, ack } = await publish(tag);
    // Two deliveries to a worker that dies before deciding anything.
    const raw = await broker.js.consumers.get('PAYMENTS', durable);
    for (const n of [1, 2]) {
      const m = await raw.next({ expires: 5_000 });
      expect(m?.seq).toBe(ack.seq);
      expect(m?.info.deliveryCount).toBe(n);
    }
    // The restarted worker: the server gives up on the message when it pulls, and says so in an advisory.
    let calls = 0;
    await consume(
      tag,
      () => {
        calls++;
        return Promise.resolve();
      },
      { retry: { baseDelayMs: 50, maxDelayMs: 400, maxDeliver: 2 }, ackWaitMs: 500 },
    );
    const dl = await waitFor('the safety-net copy', async () => (await listDeadLetters(broker.jsm, { consumer: durable }))[0]);
    expect(dl).toMatchObject({ kind: 'max-deliveries', deliveryCount: 2, eventId: event.id, originalSeq: ack.seq, correlationId: tag });
    expect(dl.json).toEqual(event);
    expect(calls).toBe(0);
    expect((await getDeadLetter(broker.jsm, dl.seq)).headers['Nats-Msg-Id']).toEqual([`dlq:PAYMENTS:${ack.seq}:${durable}`]);
  });
});
