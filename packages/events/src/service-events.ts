import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@shop/kit';
import type { RunningConsumer } from './consumer.js';
import type { OutboxRelay } from './outbox.js';

/** The settings a service's event side reads (spread `eventsConfig` and an OUTBOX_INTERVAL into its config). */
export interface EventsSettings {
  RETRY_BASE_DELAY_MS: number;
  RETRY_MAX_DELAY_MS: number;
  MAX_DELIVER: number;
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
