import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '@shop/events';
import { inSpan, SpanKind, type Logger } from '@shop/kit';
import { emailMessageId, type Email, type Mailer } from './email.js';
import type { Sms, SmsProvider } from './sms.js';

/** A notification channel. `email` and `sms` per event; the name is part of the identity. */
export type Channel = 'email' | 'sms';

export interface NotificationRecord {
  /** `<eventId>.<channel>`: the unique (event, channel) key of docs/design.md §6. */
  _id: string;
  eventId: string;
  channel: Channel;
  eventType: string;
  /** The identity the receiver dedupes on: the email Message-ID or the SMS client reference. */
  identity: string;
  recipient: string;
  status: 'PENDING' | 'SENT';
  /** Sends attempted (a value above 1 means a retry or a resend after a crash). */
  attempts: number;
  lastError: string | null;
  providerId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const schema = new Schema<NotificationRecord>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    channel: { type: String, required: true, enum: ['email', 'sms'] },
    eventType: { type: String, required: true },
    identity: { type: String, required: true },
    recipient: { type: String, required: true },
    status: { type: String, required: true, enum: ['PENDING', 'SENT'] },
    attempts: { type: Number, required: true, default: 0 },
    lastError: { type: String, default: null },
    providerId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false, autoIndex: false },
);
schema.index({ eventId: 1, channel: 1 }, { unique: true, name: 'event_channel' });
schema.index({ status: 1, createdAt: 1 }, { name: 'status_created' });

export const createNotificationModel = (conn: Connection): Model<NotificationRecord> =>
  conn.model<NotificationRecord>('Notification', schema);

export type SendResult = 'sent' | 'resent' | 'already-sent';

/**
 * The notification log: every send is recorded `PENDING` (unique per event and channel) before it goes
 * out and marked `SENT` after (docs/design.md §6). A redelivery that finds `SENT` sends nothing; one that
 * finds `PENDING` (a crash or failure between send and mark) sends again with the same identity. The
 * worker is the only writer of these records, and one event's channel is handled by one handler at a time.
 */
/** A send to make once: the event, the channel, the identity the receiver dedupes on, the recipient, the send. */
type Delivery = [
  event: { id: string; type: string },
  channel: Channel,
  identity: string,
  recipient: string,
  send: () => Promise<string | null>,
];

export class Notifier {
  constructor(
    private readonly model: Model<NotificationRecord>,
    private readonly mailer: Mailer,
    private readonly smsProvider: SmsProvider,
    private readonly log: Logger,
  ) {}

  email(event: { id: string; type: string }, mail: Omit<Email, 'messageId'>): Promise<SendResult> {
    const messageId = emailMessageId(event.id, 'email');
    return this.deliver(event, 'email', messageId, mail.to, async () => {
      await this.mailer.send({ ...mail, messageId });
      return null;
    });
  }

  sms(event: { id: string; type: string }, sms: Omit<Sms, 'clientReference'>): Promise<SendResult> {
    const clientReference = `${event.id}.sms`;
    return this.deliver(event, 'sms', clientReference, sms.to, async () => (await this.smsProvider.send({ ...sms, clientReference })).id);
  }

  /** One span per notification and channel, with the identity the receiver dedupes on (the Message-ID). */
  private deliver(...args: Delivery): Promise<SendResult> {
    const [event, channel, identity] = args;
    const attributes = {
      'shop.event.type': event.type,
      'shop.event.id': event.id,
      'messaging.channel': channel,
      'shop.message_id': identity,
    };
    return inSpan(`send ${channel}`, { kind: SpanKind.CLIENT, attributes }, () => this.deliverOnce(...args));
  }

  private async deliverOnce(...[event, channel, identity, recipient, send]: Delivery): Promise<SendResult> {
    const _id = `${event.id}.${channel}`;
    const fresh = await insertOnce(this.model, {
      _id,
      eventId: event.id,
      channel,
      eventType: event.type,
      identity,
      recipient,
      status: 'PENDING',
      attempts: 0,
      createdAt: new Date(),
    });
    if (!fresh) {
      const existing = await this.model.findById(_id).lean();
      if (existing?.status === 'SENT') {
        this.log.debug({ eventId: event.id, channel }, 'already sent; nothing to do');
        return 'already-sent';
      }
    }
    try {
      const providerId = await send();
      await this.model.updateOne(
        { _id },
        { $set: { status: 'SENT', sentAt: new Date(), providerId, lastError: null }, $inc: { attempts: 1 } },
      );
    } catch (err) {
      // Best effort: the record stays PENDING whatever happens here, which is what decides a resend.
      await this.model
        .updateOne({ _id }, { $set: { lastError: err instanceof Error ? err.message : String(err) }, $inc: { attempts: 1 } })
        .catch(() => {});
      throw err;
    }
    this.log.info({ eventId: event.id, eventType: event.type, channel, identity, resend: !fresh }, 'notification sent');
    return fresh ? 'sent' : 'resent';
  }
}
