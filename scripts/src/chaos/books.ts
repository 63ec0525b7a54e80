/**
 * The providers' side of the story, from their test routes. Both sandboxes keep their books across a
 * restart, even a SIGKILL (`SANDBOX_STATE_DIR`, set by services.ts), so one reading after the run is the
 * whole story: nothing has to be read before a kill.
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

export interface ProviderBooks {
  /** By the provider's payment id. */
  payments: Map<string, ProviderPayment>;
  /** By the SMS client reference. */
  sms: Map<string, SmsMessage>;
}

export interface SandboxUrls {
  paymentSandboxUrl: string;
  smsSandboxUrl: string;
}

const devEnv = { NODE_ENV: 'development' };
const pspKey = () => paymentSandboxConfig(devEnv).PSP_API_KEY;
const smsKey = () => smsSandboxConfig(devEnv).SMS_API_KEY;

async function getJson<T>(url: string, key: string, what: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Reads both sandboxes' books: the payment sandbox's charges for each of our payment ids (its `reference`), and every SMS sent. */
export async function readProviderBooks(urls: SandboxUrls, references: readonly string[]): Promise<ProviderBooks> {
  const payments = new Map<string, ProviderPayment>();
  for (const reference of references) {
    const summary = await getJson<ChargeSummary>(
      `${urls.paymentSandboxUrl}/v1/test/charges?reference=${encodeURIComponent(reference)}`,
      pspKey(),
      'payment sandbox /v1/test/charges',
    );
    for (const p of summary.payments) payments.set(p.id, { ...p, reference });
  }
  const { messages } = await getJson<{ messages: SmsMessage[] }>(
    `${urls.smsSandboxUrl}/v1/test/messages`,
    smsKey(),
    'SMS sandbox /v1/test/messages',
  );
  return { payments, sms: new Map(messages.map((m) => [m.clientReference, m])) };
}

/** Webhooks the payment sandbox has not delivered yet (held back, or waiting for a retry): what a kill loses. */
export async function pendingWebhooks(paymentSandboxUrl: string): Promise<number> {
  const { events } = await getJson<{ events: { deliveries: DeliveryRecord[] }[] }>(
    `${paymentSandboxUrl}/v1/test/events`,
    pspKey(),
    'payment sandbox /v1/test/events',
  );
  return events.filter((e) => e.deliveries.length === 0 || e.deliveries.some((d) => d.state === 'pending')).length;
}
