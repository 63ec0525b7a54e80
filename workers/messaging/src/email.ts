import nodemailer from 'nodemailer';
import { dependencyCall } from '@shop/kit';

export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The stable identity `<eventId.channel@shop>`: a resend after a crash carries the same one. */
  messageId: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Sends one email; a failure carries nodemailer's error (with the SMTP `responseCode`) as its cause. */
export interface Mailer {
  send(mail: Email): Promise<void>;
  close(): void;
}

/** Email over SMTP (nodemailer). One pooled-less transport: each send is its own short SMTP conversation. */
export function smtpMailer(opts: { url: string; from: string; timeoutMs: number }): Mailer {
  const transport = nodemailer.createTransport({
    url: opts.url,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  });
  return {
    async send(mail) {
      try {
        await dependencyCall('smtp', 'send', () =>
          transport.sendMail({
            from: opts.from,
            to: mail.to,
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
            messageId: mail.messageId,
            attachments: mail.attachments,
          }),
        );
      } catch (err) {
        // The SMTP reply code stays on the cause: `classifyFailure` (@shop/events) tells 5xx from the rest.
        throw new Error(`SMTP send to ${mail.to} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    },
    close: () => transport.close(),
  };
}

/** The email identity of docs/design.md §6. */
export const emailMessageId = (eventId: string, channel: string) => `<${eventId}.${channel}@shop>`;
