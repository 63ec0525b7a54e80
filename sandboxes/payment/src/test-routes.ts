import { Router } from 'express';
import { ApiError } from '@shop/sandbox-kit';
import type { PaymentLedger } from './payments.js';
import type { StoredEvent, WebhookDispatcher } from './webhooks.js';

const query = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const summary = ({ event, url, deliveries }: StoredEvent) => ({
  id: event.id,
  type: event.type,
  created: event.created,
  paymentId: event.data.payment.id,
  reference: event.data.payment.reference,
  url,
  deliveries,
});

/** `/v1/test/…`: what tests need to see inside the provider. Mounted only outside production. */
export function testRoutes(ledger: PaymentLedger, webhooks: WebhookDispatcher): Router {
  const router = Router();

  /**
   * How many times the provider charged for a merchant reference, or for every payment whose metadata
   * has `<key>` = value (`?metadata.orderId=…`): proves "never charged twice".
   */
  router.get('/charges', (req, res) => {
    const reference = query(req.query.reference);
    const metadata = Object.entries(req.query).flatMap(([k, v]) => {
      const value = query(v);
      return k.startsWith('metadata.') && value ? [[k.slice('metadata.'.length), value] as const] : [];
    });
    if (!reference && metadata.length === 0)
      throw new ApiError(400, 'invalid_request', 'reference or a metadata.<key>: is required', 'reference');
    res.json(ledger.charges({ reference, metadata: Object.fromEntries(metadata) }));
  });

  router.get('/events', (req, res) => {
    const events = webhooks.list({
      paymentId: query(req.query.paymentId),
      reference: query(req.query.reference),
      type: query(req.query.type),
    });
    res.json({ events: events.map(summary) });
  });

  router.get('/events/:eventId', (req, res) => {
    const stored = webhooks.get(req.params.eventId);
    if (!stored) throw new ApiError(404, 'not_found', `No event ${req.params.eventId}`);
    res.json({ ...summary(stored), event: stored.event });
  });

  /** Sends an event again, same id and body (a duplicate as a real provider may send). */
  router.post('/webhooks/:eventId/resend', (req, res) => {
    const delivery = webhooks.resend(req.params.eventId);
    if (!delivery) throw new ApiError(404, 'not_found', `No event ${req.params.eventId}`);
    res.status(202).json({ eventId: req.params.eventId, delivery: delivery.number });
  });

  return router;
}
