import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createEvent, type EventData, type EventEnvelope, type EventSubject } from '@shop/events';
import { CONTEXT_HEADER, verifyContext } from '@shop/kit';
import { TEST_SIGNER_KEYS, waitFor } from '@shop/harness';

export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  at: number;
}

/**
 * A real SMTP server (nodemailer's smtp-server) on 127.0.0.1 collecting every message, parsed with
 * mailparser. Recipients containing `reject` are refused with 550; `delayMs` slows each DATA reply (a
 * batch then takes long enough to be interrupted). `stop()` and `start()` again keep the port.
 */
export async function startSmtp(opts: { delayMs?: number } = {}) {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = 0;

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.includes('reject')) {
          callback(Object.assign(new Error(`5.1.1 <${address.address}>: no such user`), { responseCode: 550 }));
          return;
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then(async (mail: ParsedMail) => {
            if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
            received.push({
              messageId: mail.messageId ? `<${mail.messageId.replace(/^<|>$/g, '')}>` : '',
              to: Array.isArray(mail.to) ? mail.to.map((t) => t.text).join(', ') : (mail.to?.text ?? ''),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
              at: Date.now(),
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });

  const start = async () => {
    server = create();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  };
  await start();

  const byId = (messageId: string) => received.filter((m) => m.messageId === messageId);
  return {
    received,
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    byId,
    start,
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    /** Waits until every id has arrived at least once. */
    waitForIds: (ids: string[], timeoutMs = 20_000) =>
      waitFor(
        `${ids.length} mails`,
        () => {
          const missing = ids.filter((id) => byId(id).length === 0);
          return missing.length === 0 ? true : undefined;
        },
        { timeoutMs, intervalMs: 20 },
      ),
  };
}
export type SmtpCatcher = Awaited<ReturnType<typeof startSmtp>>;

/** A tiny HTTP server: `status` decides the answer, `handle` the body. Accepts only `service:messaging`. */
async function serviceStub(handle: (req: http.IncomingMessage, body: string) => { status: number; type: string; body: string | Buffer }) {
  const calls: { path: string; caller: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const verified = verifyContext(TEST_SIGNER_KEYS, req.headers[CONTEXT_HEADER] as string | undefined);
      const caller = verified.ok && verified.context.caller.kind === 'service' ? `service:${verified.context.caller.service}` : 'anonymous';
      calls.push({ path: req.url ?? '/', caller });
      if (caller !== 'service:messaging') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthenticated"}');
        return;
      }
      const answer = handle(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Stands in for the order subgraph's `order(id) { number email phone }`. */
export async function startOrderStub() {
  const orders = new Map<string, { number: string; email: string; phone: string | null }>();
  const stub = await serviceStub((_req, body) => {
    const { variables } = JSON.parse(body) as { variables: { id: string } };
    return { status: 200, type: 'application/json', body: JSON.stringify({ data: { order: orders.get(variables.id) ?? null } }) };
  });
  return { ...stub, url: `${stub.url}/graphql`, orders };
}

/** A minimal valid one-page PDF naming `text`. */
export function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Stands in for the invoice service's `GET /internal/invoices/:id/pdf`. */
export async function startInvoiceStub() {
  const pdfs = new Map<string, Buffer>();
  const stub = await serviceStub((req) => {
    const match = /^\/internal\/invoices\/([^/]+)\/pdf$/.exec(req.url ?? '');
    const pdf = match ? pdfs.get(decodeURIComponent(match[1]!)) : undefined;
    return pdf
      ? { status: 200, type: 'application/pdf', body: pdf }
      : { status: 404, type: 'application/json', body: '{"error":"not found"}' };
  });
  return { ...stub, pdfs };
}

export const orderNumber = (n: number) => `SO-2026-${String(n).padStart(6, '0')}`;

export function placedData(opts: { email: string; phone?: string; n?: number }): EventData<'shop.order.placed.v1'> {
  return {
    orderId: randomUUID(),
    number: orderNumber(opts.n ?? 1),
    email: opts.email,
    ...(opts.phone ? { phone: opts.phone } : {}),
    lines: [{ productId: 'p1', sku: 'MUG', name: 'Blue mug', unitPrice: 1250, quantity: 2, lineTotal: 2500 }],
    subtotal: 2500,
    tax: 500,
    total: 3000,
    currency: 'EUR',
  };
}

/** Publishes like the services do (msgID = event id); `msgID` overrides it to force a duplicate delivery. */
export function publisher(nc: NatsConnection) {
  const js: JetStreamClient = jetstream(nc);
  return async function publish<S extends EventSubject>(
    subject: S,
    data: EventData<S>,
    opts: { event?: EventEnvelope<S>; msgID?: string } = {},
  ) {
    const event = opts.event ?? createEvent(subject, data, { source: 'test', correlationId: randomUUID() });
    await js.publish(subject, JSON.stringify(event), { msgID: opts.msgID ?? event.id });
    return event;
  };
}
