import { Router } from 'express';
import { z } from 'zod';
import type { Logger } from '@shop/kit';
import { ApiError, parseBody } from '@shop/sandbox-kit';
import type { MessageStore } from './messages.js';

/** E.164: a plus, a non-zero digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;

const SendMessage = z.strictObject({
  to: z.string().regex(E164, 'must be an E.164 number such as +4915112345678'),
  body: z.string().min(1).max(1600),
  clientReference: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters without spaces'),
});

/** `/v1/messages`: send one SMS (deduplicated by clientReference) and read it back. */
export function messageRoutes(store: MessageStore, log: Logger): Router {
  const router = Router();

  router.post('/messages', (req, res) => {
    const body = parseBody(SendMessage, req.body);
    const outcome = store.send(body);
    switch (outcome.kind) {
      case 'sent':
        if (!outcome.replayed) log.info({ id: outcome.message.id, to: body.to, clientReference: body.clientReference }, 'sms sent');
        res.setHeader('Idempotent-Replayed', String(outcome.replayed));
        res.status(outcome.replayed ? 200 : 201).json(outcome.message);
        return;
      case 'conflict':
        throw new ApiError(
          422,
          'client_reference_reused',
          `clientReference ${body.clientReference} was used for another message (${outcome.message.id})`,
          'clientReference',
        );
      case 'undeliverable':
        throw new ApiError(422, 'undeliverable', `${body.to} cannot receive SMS`, 'to');
      case 'unavailable':
        throw new ApiError(503, 'provider_unavailable', 'Temporarily unavailable: retry with the same clientReference');
    }
  });

  router.get('/messages/:id', (req, res) => {
    const message = store.get(req.params.id);
    if (!message) throw new ApiError(404, 'not_found', `No message ${req.params.id}`);
    res.json(message);
  });

  return router;
}
