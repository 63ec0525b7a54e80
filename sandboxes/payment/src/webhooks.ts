import { randomBytes } from 'node:crypto';
import type { Logger } from '@shop/kit';
import {
  DELIVERY_ATTEMPT_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhookPayload,
  type PaymentEventData,
  type WebhookEvent,
  type WebhookEventType,
} from '@shop/payment/provider';
import type { Timers } from './timers.js';
import type { TraceEcho } from './trace-echo.js';

export interface WebhookOptions {
  secret: string;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  timeoutMs: number;
  /** The trace headers to echo per payment (docs/design.md §11). */
  traces?: TraceEcho;
}

/** The wait before retry number `attempt` (1-based): doubling from `base`, capped at `max`. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}

export interface AttemptRecord {
  at: string;
  /** The receiver's HTTP status, or undefined when it could not be reached. */
  status?: number;
  error?: string;
}

/** One delivery of an event: the first send, or a resend; each is retried until acknowledged. */
export interface DeliveryRecord {
  number: number;
  state: 'pending' | 'delivered' | 'dropped';
  attempts: AttemptRecord[];
}

export interface StoredEvent {
  event: WebhookEvent;
  url: string;
  /** The exact bytes sent on every attempt (the signature covers them). */
  body: string;
  deliveries: DeliveryRecord[];
}

const newEventId = () => `evt_${randomBytes(12).toString('hex')}`;

/**
 * Sends webhooks: signs each attempt with a fresh timestamp, treats any 2xx as the acknowledgement, and
 * retries everything else (other statuses, timeouts, refused connections) with a growing delay up to
 * `maxAttempts`, after which the delivery is logged as dropped. Events stay in memory for inspection.
 */
export class WebhookDispatcher {
  private readonly events = new Map<string, StoredEvent>();
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly opts: WebhookOptions,
    private readonly timers: Timers,
    private readonly log: Logger,
  ) {}

  /**
   * Records an event and delivers it to `url` after `delayMs`. A `lost` event gets one delivery recorded
   * as dropped without an attempt: the merchant never hears of it (`tok_webhook_lost`).
   */
  publish(type: WebhookEventType, data: PaymentEventData, url: string, { delayMs = 0, lost = false } = {}): WebhookEvent {
    const event: WebhookEvent = { id: newEventId(), type, created: Math.floor(Date.now() / 1000), data: structuredClone(data) };
    const stored: StoredEvent = { event, url, body: JSON.stringify(event), deliveries: [] };
    this.events.set(event.id, stored);
    if (lost) {
      stored.deliveries.push({ number: 1, state: 'dropped', attempts: [] });
      this.log.warn({ eventId: event.id, type }, 'webhook dropped on purpose (tok_webhook_lost)');
    } else {
      this.startDelivery(stored, delayMs);
    }
    return event;
  }

  /** Delivers an event again (same id, same body): how tests produce duplicates. */
  resend(eventId: string): DeliveryRecord | undefined {
    const stored = this.events.get(eventId);
    return stored ? this.startDelivery(stored, 0) : undefined;
  }

  get(eventId: string): StoredEvent | undefined {
    return this.events.get(eventId);
  }

  list(filter: { paymentId?: string; reference?: string; type?: string } = {}): StoredEvent[] {
    return [...this.events.values()].filter(
      ({ event }) =>
        (filter.paymentId === undefined || event.data.payment.id === filter.paymentId) &&
        (filter.reference === undefined || event.data.payment.reference === filter.reference) &&
        (filter.type === undefined || event.type === filter.type),
    );
  }

  /** Aborts deliveries in flight; pending retries die with the shared timers. */
  close(): void {
    for (const controller of this.inFlight) controller.abort();
  }

  private startDelivery(stored: StoredEvent, delayMs: number): DeliveryRecord {
    const delivery: DeliveryRecord = { number: stored.deliveries.length + 1, state: 'pending', attempts: [] };
    stored.deliveries.push(delivery);
    this.timers.after(delayMs, () => this.runAttempt(stored, delivery));
    return delivery;
  }

  private runAttempt(stored: StoredEvent, delivery: DeliveryRecord): void {
    this.attempt(stored, delivery).catch((err: unknown) => this.log.error({ err, eventId: stored.event.id }, 'webhook attempt crashed'));
  }

  private async attempt(stored: StoredEvent, delivery: DeliveryRecord): Promise<void> {
    const attempt = delivery.attempts.length + 1;
    const record: AttemptRecord = { at: new Date().toISOString() };
    delivery.attempts.push(record);
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const res = await fetch(stored.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'shop-payment-sandbox/0.1',
          [SIGNATURE_HEADER]: signWebhookPayload(this.opts.secret, stored.body),
          [EVENT_ID_HEADER]: stored.event.id,
          [DELIVERY_ATTEMPT_HEADER]: String(attempt),
          ...this.opts.traces?.headersFor(stored.event.data.payment.id),
        },
        body: stored.body,
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
      record.status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    } finally {
      this.inFlight.delete(controller);
    }
    if (controller.signal.aborted) return; // closing: the process forgets its webhooks anyway
    const log = this.log.child({ eventId: stored.event.id, type: stored.event.type, delivery: delivery.number, attempt });
    if (record.status !== undefined && record.status >= 200 && record.status < 300) {
      delivery.state = 'delivered';
      log.info({ status: record.status }, 'webhook delivered');
      return;
    }
    if (attempt >= this.opts.maxAttempts) {
      delivery.state = 'dropped';
      log.error({ status: record.status, error: record.error, url: stored.url }, 'webhook dropped after the last attempt');
      return;
    }
    const wait = retryDelay(attempt, this.opts.retryBaseMs, this.opts.retryMaxMs);
    log.warn({ status: record.status, error: record.error, retryInMs: wait }, 'webhook not acknowledged; will retry');
    this.timers.after(wait, () => this.runAttempt(stored, delivery));
  }
}
