/**
 * Header names this package writes (docs/design.md §5). `Nats-Msg-Id` is JetStream's own dedupe header;
 * the rest describe where a dead letter came from and why it died.
 */
export const HEADERS = {
  /** Request id of the call that started the saga; also inside the envelope. */
  correlationId: 'Shop-Correlation-Id',
  /** One-line reason a message was dead-lettered. */
  error: 'Shop-Error',
  /** `invalid` (contract breach), `permanent` (PermanentError), `exhausted` (last attempt failed), `max-deliveries` (safety net). */
  errorKind: 'Shop-Error-Kind',
  /** Durable consumer that gave up on the message. */
  consumer: 'Shop-Consumer',
  /** Deliveries made before giving up. */
  deliveryCount: 'Shop-Delivery-Count',
  originalSubject: 'Shop-Original-Subject',
  originalStream: 'Shop-Original-Stream',
  originalSeq: 'Shop-Original-Seq',
  /** The original `Nats-Msg-Id` (the event id). */
  originalMsgId: 'Shop-Original-Msg-Id',
  failedAt: 'Shop-Failed-At',
  /** On a redriven message: the DLQ sequence it came from. */
  redrivenFrom: 'Shop-Redriven-From',
  msgId: 'Nats-Msg-Id',
} as const;

export type DeadLetterKind = 'invalid' | 'permanent' | 'exhausted' | 'max-deliveries';

/** Header values are single lines; keep reasons short and printable. */
export function headerValue(text: string, max = 1_000): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
