/** The wire types of the SMS sandbox API (README). */

export interface SendMessageRequest {
  /** E.164, e.g. +4915112345678. */
  to: string;
  body: string;
  /** The client's identity of this message: the same reference is never sent twice. */
  clientReference: string;
}

export interface SmsMessage {
  id: string;
  to: string;
  body: string;
  clientReference: string;
  status: 'sent';
  /** Unix seconds. */
  created: number;
  /** How many requests named this clientReference (1 = no duplicate). */
  requests: number;
}

/** The body of every error response (kit's REST helpers). */
export type { ApiErrorBody } from '@shop/sandbox-kit';
