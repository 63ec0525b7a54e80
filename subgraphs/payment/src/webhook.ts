import express, { type Express } from 'express';
import { z } from 'zod';
import type { Logger } from '@shop/kit';
import { SIGNATURE_HEADER, verifyWebhookSignature, type WebhookEvent } from './provider/index.js';
import type { Payments } from './payments.js';

export const WEBHOOK_PATH = '/webhooks/psp';

/** Only what this service reads of a webhook body; the rest is passed through untouched. */
const webhookSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(['payment.succeeded', 'payment.failed', 'payment.refunded']),
  created: z.number(),
  data: z.object({
    payment: z.looseObject({
      id: z.string().min(1),
      reference: z.string().min(1),
      status: z.enum(['processing', 'requires_action', 'succeeded', 'failed']),
      amount: z.number().int(),
      amountRefunded: z.number().int(),
    }),
    refund: z.looseObject({ id: z.string().min(1), amount: z.number().int().positive() }).optional(),
  }),
});

/**
 * `POST /webhooks/psp`: the provider's signed webhooks (docs/design.md §7). The raw bytes are verified
 * (HMAC and timestamp tolerance) before anything parses them: a bad or stale signature is 401 and
 * nothing is read. A verified event is applied, then acknowledged (2xx); a failure answers 500 so the
 * provider retries.
 */
export function webhookRoutes(opts: { secret: string; toleranceSeconds: number; payments: Payments; log: Logger }) {
  return (app: Express) => {
    app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifyWebhookSignature(opts.secret, req.header(SIGNATURE_HEADER), raw, { toleranceSeconds: opts.toleranceSeconds });
      if (!check.ok) {
        opts.log.warn({ reason: check.reason }, 'refused a webhook');
        res.status(401).json({ error: check.reason });
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        res.status(400).json({ error: 'invalid JSON' });
        return;
      }
      const event = webhookSchema.safeParse(parsed);
      if (!event.success) {
        opts.log.warn({ issues: event.error.issues.length }, 'signed webhook of an unknown shape; acknowledged and ignored');
        res.status(200).json({ received: true, ignored: true });
        return;
      }
      try {
        await opts.payments.applyWebhook(event.data as unknown as WebhookEvent);
        res.status(200).json({ received: true });
      } catch (err) {
        opts.log.error({ err, eventId: event.data.id }, 'webhook not applied; the provider will retry');
        res.status(500).json({ error: 'not applied; retry' });
      }
    });
  };
}
