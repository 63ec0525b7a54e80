import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { backoffDelay, type Logger } from '@shop/kit';
import { publishDeadLetter } from './dlq.js';

/**
 * Safety net for messages that ran out of deliveries without a decision: the process died or hung on
 * the last attempt, or its own dead-lettering failed. The server then gives up on the message silently
 * except for a `MAX_DELIVERIES` advisory; this listener copies the message from the stream to the DLQ.
 * The copy has the same msgID as the consumer's own dead letter, so it is never there twice.
 *
 * The server emits the advisory when it would redeliver, which needs a pull request waiting: after a
 * crash that is when the restarted consumer pulls again, so `startConsumer` subscribes this listener
 * before it starts pulling. Replicas share a queue group, so one of them handles each advisory.
 */

export const maxDeliveriesSubject = (stream: string, consumer: string) =>
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`;

interface MaxDeliverAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

export interface SafetyNetOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  consumer: string;
  log: Logger;
}

export interface SafetyNet {
  /** Stops listening after the copies in progress are done. */
  stop(): Promise<void>;
  /** Copies made (not counting duplicates), for tests and metrics. */
  readonly copied: number;
}

export function startMaxDeliveriesListener(opts: SafetyNetOptions): SafetyNet {
  const { nc, js, jsm, stream, consumer, log } = opts;
  let chain: Promise<void> = Promise.resolve();
  let copied = 0;

  async function copy(a: MaxDeliverAdvisory): Promise<void> {
    const seq = a.stream_seq;
    for (let attempt = 1; ; attempt++) {
      try {
        const sm = await jsm.streams.getMessage(stream, { seq });
        if (!sm) {
          log.error({ stream, seq, consumer }, 'message exhausted its deliveries but is gone from the stream; cannot dead-letter it');
          return;
        }
        const ack = await publishDeadLetter(js, {
          subject: sm.subject,
          data: sm.data,
          headers: sm.header,
          stream,
          seq,
          consumer,
          deliveryCount: a.deliveries,
          kind: 'max-deliveries',
          reason: `delivered ${a.deliveries} times without an ack or a dead-letter decision (handler crashed, hung past the ack wait, or dead-lettering failed)`,
        });
        if (!ack.duplicate) copied++;
        log.warn({ stream, seq, consumer, duplicate: ack.duplicate, dlqSeq: ack.seq }, 'max deliveries reached: copied to the DLQ');
        return;
      } catch (err) {
        if (attempt >= 5) {
          log.error({ err, stream, seq, consumer }, 'could not copy a message that exhausted its deliveries to the DLQ');
          return;
        }
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseMs: 200 })));
      }
    }
  }

  const sub: Subscription = nc.subscribe(maxDeliveriesSubject(stream, consumer), {
    queue: `dlq-safety-net--${consumer}`,
    callback: (err, msg) => {
      if (err) {
        log.error({ err, consumer }, 'max-deliveries advisory subscription failed');
        return;
      }
      let advisory: MaxDeliverAdvisory;
      try {
        advisory = msg.json<MaxDeliverAdvisory>();
      } catch (e) {
        log.error({ err: e, consumer }, 'unreadable max-deliveries advisory');
        return;
      }
      chain = chain.then(() => copy(advisory));
    },
  });

  return {
    get copied() {
      return copied;
    },
    async stop() {
      sub.unsubscribe();
      await chain;
    },
  };
}
