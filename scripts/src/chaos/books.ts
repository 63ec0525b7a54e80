/**
 * The providers' side of the story, from their test routes. Both sandboxes keep their state in memory,
 * so a restart forgets it (a real provider would not): the run reads their books just before it kills
 * them and merges every reading, by the provider's payment id and by the SMS client reference.
 */
import { loadConfig as paymentSandboxConfig, type ChargeSummary, type DeliveryRecord } from '@shop/payment-sandbox';
import { loadConfig as smsSandboxConfig, type SmsMessage } from '@shop/sms-sandbox';

export interface ProviderPayment {
  id: string;
  reference: string;
  status: string;
  amount: number;
  amountRefunded: number;
}

const devEnv = { NODE_ENV: 'development' };

export class ProviderBooks {
  readonly payments = new Map<string, ProviderPayment>();
  readonly sms = new Map<string, SmsMessage>();
  private readonly pspKey = paymentSandboxConfig(devEnv).PSP_API_KEY;
  private readonly smsKey = smsSandboxConfig(devEnv).SMS_API_KEY;

  constructor(
    private readonly paymentSandboxUrl: string,
    private readonly smsSandboxUrl: string,
  ) {}

  /** Reads the payment sandbox's charges for each of our payment ids (its `reference`). */
  async readPayments(references: readonly string[]): Promise<void> {
    for (const reference of references) {
      const res = await fetch(`${this.paymentSandboxUrl}/v1/test/charges?reference=${encodeURIComponent(reference)}`, {
        headers: { authorization: `Bearer ${this.pspKey}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`payment sandbox /v1/test/charges: HTTP ${res.status}`);
      const summary = (await res.json()) as ChargeSummary;
      for (const p of summary.payments) this.payments.set(p.id, { ...p, reference });
    }
  }

  /** Webhooks the payment sandbox has not delivered yet (held back, or waiting for a retry). */
  async pendingWebhooks(): Promise<number> {
    const res = await fetch(`${this.paymentSandboxUrl}/v1/test/events`, {
      headers: { authorization: `Bearer ${this.pspKey}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`payment sandbox /v1/test/events: HTTP ${res.status}`);
    const { events } = (await res.json()) as { events: { deliveries: DeliveryRecord[] }[] };
    return events.filter((e) => e.deliveries.length === 0 || e.deliveries.some((d) => d.state === 'pending')).length;
  }

  async readSms(): Promise<void> {
    const res = await fetch(`${this.smsSandboxUrl}/v1/test/messages`, {
      headers: { authorization: `Bearer ${this.smsKey}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`SMS sandbox /v1/test/messages: HTTP ${res.status}`);
    for (const m of ((await res.json()) as { messages: SmsMessage[] }).messages) this.sms.set(m.clientReference, m);
  }
}
