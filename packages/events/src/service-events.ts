import type { NatsConnection } from '@nats-io/transport-node';
import { exitWhenEnded, type Logger } from '@shop/kit';
import type { EventSubject } from './contracts.js';
import { startConsumer, type EventHandler, type RunningConsumer } from './consumer.js';
import { retryPolicyFrom, type ConsumerSettings } from './nats.js';
import type { OutboxRelay } from './outbox.js';
import { consumerName } from './streams.js';

/** The settings a service's event side reads (spread `eventsConfig` and an OUTBOX_INTERVAL into its config). */
export interface EventsSettings extends ConsumerSettings {
  OUTBOX_INTERVAL: number;
}

export interface ServiceEventsOptions {
  nc: NatsConnection;
  config: EventsSettings;
  log: Logger;
  /** Events handled at once per consumer (default 4). */
  concurrency?: number;
}

/** The NATS half of a service: its outbox relay and its consumers. */
export interface ServiceEvents {
  relay: OutboxRelay;
  consumers: RunningConsumer[];
  /** Stops the consumers (finishing what they hold), then the relay. Drain NATS after. */
  stop(): Promise<void>;
}

/**
 * Bundles a service's relay and consumers. `detach` unhooks the service's "record written → kick the
 * relay" callbacks once the consumers are done, so nothing kicks a stopped relay.
 */
export function serviceEvents(relay: OutboxRelay, consumers: RunningConsumer[], detach: () => void): ServiceEvents {
  return {
    relay,
    consumers,
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
      detach();
      await relay.stop();
    },
  };
}

/** What a service does with each subject it consumes. */
export type ServiceHandlers = { [S in EventSubject]?: EventHandler<S> };

export interface ServiceConsumersOptions {
  nc: NatsConnection;
  config: ConsumerSettings;
  log: Logger;
  /** Events handled at once per consumer (default 4). */
  concurrency?: number;
  ackWaitMs?: number;
}

/**
 * Starts one durable consumer per subject in `handlers`, named `<service>--<event>`, with the
 * service's retry policy (docs/design.md §5), in the order given. If one cannot start, those already
 * started are stopped before the error is rethrown.
 */
export async function startServiceConsumers(
  service: string,
  o: ServiceConsumersOptions,
  handlers: ServiceHandlers,
): Promise<RunningConsumer[]> {
  const consumers: RunningConsumer[] = [];
  try {
    for (const subject of Object.keys(handlers) as EventSubject[]) {
      consumers.push(
        await startConsumer({
          nc: o.nc,
          subject,
          durable: consumerName(service, subject),
          handler: handlers[subject] as EventHandler<EventSubject>,
          concurrency: o.concurrency ?? 4,
          ackWaitMs: o.ackWaitMs,
          handlerTimeoutMs: o.config.HANDLER_TIMEOUT,
          retry: retryPolicyFrom(o.config),
          log: o.log,
        }),
      );
    }
  } catch (err) {
    await Promise.allSettled(consumers.map((c) => c.stop()));
    throw err;
  }
  return consumers;
}

/** The event side of a service that only consumes (no outbox): its consumers and how to stop them. */
export interface ConsumerEvents {
  consumers: RunningConsumer[];
  /** Stops the consumers, finishing what they hold. Drain NATS after. */
  stop(): Promise<void>;
}

export function consumerEvents(consumers: RunningConsumer[]): ConsumerEvents {
  return {
    consumers,
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
    },
  };
}

/**
 * The rule every consuming service applies in its start path: a consumer loop that ends on its own
 * (consumer deleted, subscription failed) is fatal — log, exit 1, let the supervisor restart the process,
 * whose start provisions the consumer again. Ends during a shutdown (`onShutdown`) are expected.
 */
export function exitWhenConsumersEnd(log: Logger, consumers: readonly RunningConsumer[]): void {
  for (const c of consumers) exitWhenEnded(log, `consumer ${c.name}`, c.done);
}
