import { join } from 'node:path';
import { z } from 'zod';
import { JsonStateFile } from '@shop/kit';
import type { IdempotencyRecord } from './idempotency.js';
import type { Entry } from './payments.js';
import type { Payment, Refund } from '@shop/payment/provider';

const unixSeconds = z.number().int().nonnegative();
const minorUnits = z.number().int().nonnegative();

const refund = z.strictObject({
  id: z.string().min(1),
  amount: minorUnits,
  status: z.literal('succeeded'),
  created: unixSeconds,
}) satisfies z.ZodType<Refund>;

const payment = z.strictObject({
  id: z.string().min(1),
  status: z.enum(['processing', 'requires_action', 'succeeded', 'failed']),
  amount: minorUnits,
  currency: z.string(),
  reference: z.string(),
  metadata: z.record(z.string(), z.string()),
  amountRefunded: minorUnits,
  refunds: z.array(refund),
  created: unixSeconds,
  nextActionUrl: z.string().optional(),
  failureCode: z.enum(['card_declined', 'insufficient_funds', 'authentication_failed']).optional(),
  failureMessage: z.string().optional(),
}) satisfies z.ZodType<Payment>;

const entry = z.strictObject({
  payment,
  webhookUrl: z.string(),
  delayWebhook: z.boolean(),
  loseWebhooks: z.boolean(),
  action: z.enum(['pending', 'completed', 'failed']).optional(),
}) satisfies z.ZodType<Entry>;

const idempotencyRecord = z.strictObject({
  key: z.string().min(1),
  fingerprint: z.string().min(1),
  response: z.strictObject({ status: z.number().int(), body: z.unknown() }),
}) satisfies z.ZodType<IdempotencyRecord>;

/** `books.json`: every payment and every idempotency record, oldest first. */
export const booksSchema = z.strictObject({
  version: z.literal(1),
  payments: z.array(entry),
  idempotency: z.array(idempotencyRecord),
});
export type Books = z.infer<typeof booksSchema>;

/** The books file in `SANDBOX_STATE_DIR`. */
export const booksFile = (stateDir: string) => new JsonStateFile(join(stateDir, 'books.json'), booksSchema);
