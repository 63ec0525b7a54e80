import { Router } from 'express';
import type { ActionResult, PaymentLedger } from './payments.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
  `<body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;

const OUTCOMES: Record<'complete' | 'fail', Record<ActionResult, [number, string, string]>> = {
  complete: {
    completed: [200, 'Authentication complete', 'You can close this window; the shop will confirm the payment.'],
    already_completed: [200, 'Authentication already complete', 'Nothing more to do; you can close this window.'],
    not_pending: [409, 'Authentication cannot be completed', 'This payment is no longer waiting for authentication.'],
    not_found: [404, 'Unknown authentication', 'No payment is waiting for authentication at this address.'],
  },
  fail: {
    completed: [200, 'Authentication failed', 'The payment was not authorised.'],
    already_completed: [200, 'Authentication already failed', 'The payment was not authorised.'],
    not_pending: [409, 'Authentication already complete', 'This payment is no longer waiting for authentication.'],
    not_found: [404, 'Unknown authentication', 'No payment is waiting for authentication at this address.'],
  },
};

/**
 * The 3-D Secure pages a shopper's browser opens (`nextActionUrl`): no API key, the unguessable payment
 * id is the credential. `complete` authorises the payment, `fail` refuses it (to test that path); either
 * change is committed to the books before the page is answered.
 */
export function actionRoutes(ledger: PaymentLedger, commit: () => void): Router {
  const router = Router();
  for (const kind of ['complete', 'fail'] as const) {
    router.get(`/:id/${kind}`, (req, res) => {
      const result = kind === 'complete' ? ledger.completeAction(req.params.id) : ledger.failAction(req.params.id);
      if (result === 'completed') commit();
      const [status, title, text] = OUTCOMES[kind][result];
      res.status(status).type('html').setHeader('cache-control', 'no-store').send(page(title, text));
    });
  }
  return router;
}
