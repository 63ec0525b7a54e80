/**
 * The payment provider's contract, `@shop/payment/provider`: its wire types and its webhook signature
 * scheme (headers, signing, verification, tolerance). The payment service's adapter (`../provider.ts`)
 * and webhook route (`../webhook.ts`) code against it; the payment sandbox implements it and imports it
 * from here, never the reverse, so the service's image holds no stand-in.
 */
export type * from './contract.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  DELIVERY_ATTEMPT_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhookPayload,
  verifyWebhookSignature,
  type WebhookVerification,
} from './signature.js';
