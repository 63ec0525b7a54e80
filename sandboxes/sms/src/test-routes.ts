import { Router } from 'express';
import type { MessageStore } from './messages.js';

const query = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** `/v1/test/…`: what tests need to see inside the provider. Mounted only outside production. */
export function testRoutes(store: MessageStore): Router {
  const router = Router();

  /** Every message sent, oldest first; `?to=` and `?clientReference=` filter. */
  router.get('/messages', (req, res) => {
    res.json({ messages: store.list({ to: query(req.query.to), clientReference: query(req.query.clientReference) }) });
  });

  router.delete('/messages', (_req, res) => {
    store.clear();
    res.status(204).end();
  });

  return router;
}
