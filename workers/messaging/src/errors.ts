import { PermanentError } from '@shop/events';

/** SMTP reply codes 5xx are permanent rejections (RFC 5321 §4.2.1); 4xx and broken connections are transient. */
export function classifySmtpError(err: unknown): Error {
  const e = err as { responseCode?: unknown; code?: unknown; message?: unknown; response?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const responseCode = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    const reply = typeof e?.response === 'string' ? e.response : message;
    return new PermanentError(`SMTP permanent rejection ${responseCode}: ${reply}`, { cause: err });
  }
  // nodemailer's own refusal of an address it cannot use (EENVELOPE without a server reply).
  if (e?.code === 'EENVELOPE' && responseCode === undefined) {
    return new PermanentError(`invalid email envelope: ${message}`, { cause: err });
  }
  return new Error(`SMTP transient failure${responseCode ? ` ${responseCode}` : ''}: ${message}`, { cause: err });
}
