import { createHash, randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, createLogger } from '@shop/kit';
import { freePort, startBroker, testDbName, waitFor, type NatsInstance } from '@shop/harness';
import * as invoice from '@shop/invoice';
import { multiPagePdf } from './support/pdf.js';
import { startServiceProcess, type ServiceProcess } from './support/processes.js';

/**
 * Signed PDF links through a real gateway process to a real invoice subgraph process: a client that
 * stops reading, or an invoice service that dies mid-download, costs that one download and nothing
 * else. The gateway must neither exit nor stop serving.
 */
const PDF_LINK_SECRET = 'test-only-pdf-link-secret-0123456789';
/** Long enough for the invoice service to read 12 MB from the database under a loaded test machine. */
const SUBGRAPH_TIMEOUT_MS = 3_000;
/** ~12 MB over 40 pages: more than the loopback socket buffers between three processes hold. */
const BIG = multiPagePdf(40, 300_000);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let nats: NatsInstance;
let invoiceProc: ServiceProcess;
let gatewayProc: ServiceProcess;
let bigId: string;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  const mongoUrl = inject('mongoUrl');
  // Its own broker: the invoice process creates the production durable consumers.
  nats = await startBroker('test');
  const db = testDbName('gw_pdf_invoice');
  const env = { NODE_ENV: 'test', PDF_LINK_SECRET, MONGODB_URL: mongoUrl };
  const [invoicePort, gatewayPort] = [await freePort(), await freePort()];
  invoiceProc = await startServiceProcess('invoice', 'subgraphs/invoice/src/index.ts', invoicePort, {
    ...env,
    MONGODB_DB: db,
    NATS_URL: nats.url,
  });
  gatewayProc = await startServiceProcess('gateway', 'gateway/src/index.ts', gatewayPort, {
    ...env,
    MONGODB_DB: testDbName('gw_pdf_gateway'),
    INVOICE_URL: `${invoiceProc.base}/graphql`,
    SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
  });
  // The PDF is stored the way the invoice service stores a rendered one.
  const conn = await connectMongo(mongoUrl, db);
  closeDb = () => conn.close();
  const service = await invoice.buildInvoiceService(
    conn,
    invoice.loadConfig({ ...env, MONGODB_DB: db }),
    createLogger('invoice', 'silent'),
  );
  bigId = randomUUID();
  await service.pdfs.put(bigId, BIG);
});

afterAll(async () => {
  await gatewayProc?.stop();
  await invoiceProc?.stop();
  await closeDb?.();
  await nats?.stop();
});

const link = (id: string) => invoice.signedPdfUrl(gatewayProc.base, PDF_LINK_SECRET, id, 60_000);

/** A download that has received its headers and a first chunk, then reads nothing until `rest()`. */
interface PausedDownload {
  res: IncomingMessage;
  /** Reads the remainder; rejects if the connection is cut before the whole body arrived. */
  rest: () => Promise<Buffer>;
}

function pausedDownload(url: string): Promise<PausedDownload> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.once('data', (first: Buffer) => {
          res.pause();
          resolve({
            res,
            rest: async () => {
              const chunks: Buffer[] = [first];
              for await (const chunk of res) chunks.push(chunk as Buffer);
              return Buffer.concat(chunks);
            },
          });
        });
        res.once('error', reject);
      })
      .once('error', reject);
  });
}

/** The gateway still runs and answers: a GraphQL request it handles itself, and a whole PDF. */
async function expectGatewayServing() {
  expect(gatewayProc.proc.deathNotice()).toBeUndefined();
  const res = await fetch(`${gatewayProc.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  const again = await fetch(link(bigId));
  expect(again.status).toBe(200);
  expect(sha256(Buffer.from(await again.arrayBuffer()))).toBe(sha256(BIG));
  expect(gatewayProc.proc.alive).toBe(true);
}

describe('GET /invoices/<id>.pdf', () => {
  it('serves a whole multi-page PDF to a client that stops reading for longer than SUBGRAPH_TIMEOUT_MS', async () => {
    const download = await pausedDownload(link(bigId));
    expect(download.res.statusCode).toBe(200);
    expect(download.res.headers['content-type']).toBe('application/pdf');
    // The client's pause is the behaviour under test: it has to outlast the subgraph timeout.
    await delay(1.5 * SUBGRAPH_TIMEOUT_MS);
    const body = await download.rest();
    expect(body.length).toBe(BIG.length);
    expect(sha256(body)).toBe(sha256(BIG));
    await expectGatewayServing();
  });

  it('cuts only that download when the invoice service is killed mid-body, and keeps serving', async () => {
    const download = await pausedDownload(link(bigId));
    expect(download.res.statusCode).toBe(200);
    await invoiceProc.proc.kill('SIGKILL');
    // The client learns the body is incomplete: its connection is closed before content-length bytes.
    await expect(download.rest()).rejects.toThrow();
    expect(gatewayProc.proc.alive).toBe(true);
    // While the invoice service is down, a link answers 502 at once.
    expect((await fetch(link(bigId))).status).toBe(502);
    invoiceProc = await invoiceProc.restart();
    await expectGatewayServing();
  });

  it('ends the upstream download when the client goes away mid-body, and keeps serving', async () => {
    const download = await pausedDownload(link(bigId));
    expect(download.res.statusCode).toBe(200);
    download.res.destroy();
    await waitFor('the gateway to end the download of a client that left', () =>
      readFileSync(gatewayProc.proc.logFile, 'utf8').includes('the client left during an invoice PDF download'),
    );
    await expectGatewayServing();
  });
});
