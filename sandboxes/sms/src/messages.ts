import { randomUUID } from 'node:crypto';
import type { SendMessageRequest, SmsMessage } from './types.js';

/** Numbers with a scripted answer, for testing the client's error handling (README "Test numbers"). */
export const TEST_NUMBERS = {
  /** Refused as unreachable: `422 undeliverable` (a permanent failure). */
  undeliverable: '+15005550001',
  /** `503 provider_unavailable` on the first request of each clientReference, then sent (a transient failure). */
  flaky: '+15005550002',
} as const;

export type SendOutcome =
  | { kind: 'sent'; message: SmsMessage; replayed: boolean }
  | { kind: 'conflict'; message: SmsMessage }
  | { kind: 'undeliverable' }
  | { kind: 'unavailable' };

/**
 * What the provider sent, keyed by clientReference: a second request with the same reference and the
 * same content answers the first message (nothing is sent again); with other content it is a conflict.
 * JavaScript runs one request at a time here, so concurrent duplicates cannot both send. `saved` are the
 * messages of the books file, oldest first; `commit` saves them after every change, before the answer.
 */
export class MessageStore {
  private readonly byReference = new Map<string, SmsMessage>();
  private readonly flakySeen = new Set<string>();
  private readonly order: SmsMessage[] = [];

  constructor(
    saved: readonly SmsMessage[] = [],
    private readonly commit: (messages: SmsMessage[]) => void = () => {},
  ) {
    for (const message of saved) {
      const copy = { ...message };
      this.byReference.set(copy.clientReference, copy);
      this.order.push(copy);
    }
  }

  send(req: SendMessageRequest, now = Date.now()): SendOutcome {
    const existing = this.byReference.get(req.clientReference);
    if (existing) {
      existing.requests += 1;
      this.commit(this.order);
      if (existing.to !== req.to || existing.body !== req.body) return { kind: 'conflict', message: existing };
      return { kind: 'sent', message: existing, replayed: true };
    }
    if (req.to === TEST_NUMBERS.undeliverable) return { kind: 'undeliverable' };
    if (req.to === TEST_NUMBERS.flaky && !this.flakySeen.has(req.clientReference)) {
      this.flakySeen.add(req.clientReference);
      return { kind: 'unavailable' };
    }
    const message: SmsMessage = {
      id: `sms_${randomUUID().replace(/-/g, '')}`,
      to: req.to,
      body: req.body,
      clientReference: req.clientReference,
      status: 'sent',
      created: Math.floor(now / 1000),
      requests: 1,
    };
    this.byReference.set(req.clientReference, message);
    this.order.push(message);
    this.commit(this.order);
    return { kind: 'sent', message, replayed: false };
  }

  get(id: string): SmsMessage | undefined {
    return this.order.find((m) => m.id === id);
  }

  /** Sent messages, oldest first, optionally only those to one number or with one reference. */
  list(filter: { to?: string; clientReference?: string } = {}): SmsMessage[] {
    return this.order.filter(
      (m) =>
        (filter.to === undefined || m.to === filter.to) &&
        (filter.clientReference === undefined || m.clientReference === filter.clientReference),
    );
  }

  clear(): void {
    this.byReference.clear();
    this.flakySeen.clear();
    this.order.length = 0;
    this.commit(this.order);
  }
}
