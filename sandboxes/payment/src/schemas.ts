import { z } from 'zod';
import { httpUrl } from '@shop/kit';

/** Stripe's ceiling for one charge; far above anything the shop sells, it catches unit mix-ups. */
export const MAX_AMOUNT = 99_999_999;

const amount = z
  .number({ error: (i) => (i.input === undefined ? 'is required' : 'must be an integer number of minor units') })
  .int('must be an integer number of minor units')
  .positive('must be greater than 0')
  .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`);

const text = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

export const createPaymentBody = z.strictObject({
  amount,
  currency: z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. EUR'),
  token: text(100),
  reference: text(200),
  webhookUrl: httpUrl.optional(),
  metadata: z
    .record(z.string().max(40), z.string().max(500))
    .refine((m) => Object.keys(m).length <= 20, 'must have at most 20 keys')
    .optional(),
});
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

export const refundBody = z.strictObject({ amount: amount.optional() });
export type RefundBody = z.infer<typeof refundBody>;
