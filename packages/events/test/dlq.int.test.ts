import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { freePort, runScript, waitFor, type NatsInstance } from '@shop/harness';
import {
  DeadLetterNotFoundError,
  getDeadLetter,
  listDeadLetters,
  parseDlqArgs,
  redriveDeadLetter,
  RedriveRefusedError,
  runDlqCommand,
  startConsumer,
  type EventEnvelope,
  type RunningConsumer,
} from '../src/index.js';
import { connectBroker, log, privateNats, publishRaw, paymentSucceeded, tagOf, type Broker } from './helpers.js';

const SUBJECT = 'shop.payment.succeeded.v1';
const DURABLE = 'test--dlq';

let nats: NatsInstance;
let broker: Broker;
let consumer: RunningConsumer;
/** The handler is "broken" for these correlation ids until the test fixes it. */
const broken = new Set<string>();
const processed: EventEnvelope<typeof SUBJECT>[] = [];

beforeAll(async () => {
  nats = await privateNats();
  broker = await connectBroker(nats.url);
  consumer = await startConsumer({
    nc: broker.nc,
    subject: SUBJECT,
    durable: DURABLE,
    deliverPolicy: DeliverPolicy.New,
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxDeliver: 3 },
    log,
    handler: (event) => {
      if (broken.has(event.correlationId)) return Promise.reject(new Error(`ledger for order ${event.data.orderId} is locked`));
      processed.push(event);
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await consumer?.stop();
  await broker?.nc.drain();
  await nats?.stop();
});

/** Runs the command as `npm run dlq` will: a separate Node process on TypeScript sources. */
const cli = (args: string[], natsUrl = nats.url) =>
  runScript('packages/events/src/dlq-cli.ts', args, { env: { NATS_URL: natsUrl, LOG_LEVEL: 'silent' } });

async function deadLetterFor(eventId: string) {
  return waitFor(`a dead letter of ${eventId}`, async () =>
    (await listDeadLetters(broker.jsm, { consumer: DURABLE })).find((d) => d.eventId === eventId),
  );
}

describe('dead letters: list, show, redrive', () => {
  it('lists and shows a poison message, and after the fix a redrive gets it processed once', async () => {
    const tag = tagOf('redrive');
    broken.add(tag);
    const event = paymentSucceeded(tag, 2500);
    await publishRaw(broker.js, SUBJECT, JSON.stringify(event), event.id, tag);
    const dl = await deadLetterFor(event.id);
    expect(dl).toMatchObject({ kind: 'exhausted', deliveryCount: 3, consumer: DURABLE, originalSubject: SUBJECT });
    expect(processed.some((e) => e.id === event.id)).toBe(false);

    const list = await cli(['list']);
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.startsWith(`${dl.seq} `));
    expect(row).toMatch(
      new RegExp(
        `^${dl.seq}\\s+\\S+Z\\s+${SUBJECT.replace(/\./g, '\\.')}\\s+${DURABLE}\\s+3\\s+exhausted\\s+failed 3 deliveries; last error: ledger for order`,
      ),
    );

    const show = await cli(['show', String(dl.seq)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Dead letter ${dl.seq}`);
    expect(show.stdout).toContain(`  event id        ${event.id}`);
    expect(show.stdout).toContain(`  correlation id  ${tag}`);
    expect(show.stdout).toContain(`  Shop-Consumer: ${DURABLE}`);
    expect(show.stdout).toContain('  Shop-Delivery-Count: 3');
    expect(show.stdout).toContain(`"orderId": "${event.data.orderId}"`);

    broken.delete(tag); // the fix is deployed
    const redrive = await cli(['redrive', String(dl.seq)]);
    expect(redrive.stderr).toBe('');
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toContain(`Redrove dead letter ${dl.seq}: event ${event.id} republished on ${SUBJECT}`);
    expect(redrive.stdout).toContain(`msgID redrive:${dl.seq}:${event.id}`);

    await waitFor('the redriven event to be processed', () => processed.some((e) => e.id === event.id));
    expect(processed.filter((e) => e.id === event.id)).toEqual([event]);
    await expect(getDeadLetter(broker.jsm, dl.seq)).rejects.toThrow(DeadLetterNotFoundError);
    const again = await cli(['show', String(dl.seq)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no dead letter with sequence ${dl.seq}`);
  });

  it('keeps the correlation id and marks the republished copy with its DLQ origin', async () => {
    const tag = tagOf('headers');
    broken.add(tag);
    const event = paymentSucceeded(tag);
    await publishRaw(broker.js, SUBJECT, JSON.stringify(event), event.id, tag);
    const dl = await deadLetterFor(event.id);
    broken.delete(tag);
    const r = await redriveDeadLetter(broker.jsm, broker.js, dl.seq);
    expect(r).toMatchObject({ dlqSeq: dl.seq, subject: SUBJECT, eventId: event.id, stream: 'PAYMENTS', duplicate: false });
    const copy = await broker.jsm.streams.getMessage('PAYMENTS', { seq: r.seq });
    expect(copy?.header.get('Shop-Correlation-Id')).toBe(tag);
    expect(copy?.header.get('Shop-Redriven-From')).toBe(String(dl.seq));
    expect(copy?.header.get('Nats-Msg-Id')).toBe(`redrive:${dl.seq}:${event.id}`);
    expect(copy?.header.get('Shop-Error')).toBe('');
    expect(copy?.string()).toBe(JSON.stringify(event));
    await waitFor('processing', () => processed.some((e) => e.id === event.id));
  });

  it('refuses to redrive a payload that breaks the contract, and leaves it in the DLQ', async () => {
    const tag = tagOf('invalid');
    const msgId = `bad-${randomUUID()}`;
    await publishRaw(broker.js, SUBJECT, '{"not":"an event"}', msgId, tag);
    const dl = await deadLetterFor(msgId);
    expect(dl.kind).toBe('invalid');

    const out: string[] = [];
    const err: string[] = [];
    const code = await runDlqCommand(parseDlqArgs(['redrive', String(dl.seq)]), {
      jsm: broker.jsm,
      js: broker.js,
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(
      new RegExp(`^dead letter ${dl.seq} cannot be redriven: the payload breaks the ${SUBJECT.replace(/\./g, '\\.')} contract`),
    );
    await expect(redriveDeadLetter(broker.jsm, broker.js, dl.seq)).rejects.toThrow(RedriveRefusedError);
    expect((await getDeadLetter(broker.jsm, dl.seq)).eventId).toBe(msgId);
  });

  it('answers bad input and an unreachable server with clear errors', async () => {
    const bad = await cli(['show', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dlq: "abc" is not a sequence number/);
    expect(bad.stderr).toContain('Usage: dlq <command>');

    const unknown = await cli(['purge-everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "purge-everything"');

    const missing = await cli(['redrive', '999999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('no dead letter with sequence 999999 in the DLQ stream\n');

    const down = `nats://127.0.0.1:${await freePort()}`;
    const unreachable = await cli(['list'], down);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`dlq: cannot reach NATS at ${down}`);

    const badUrl = await cli(['list'], 'http://example');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('NATS_URL: must be a nats:// or tls:// URL');
  });
});
