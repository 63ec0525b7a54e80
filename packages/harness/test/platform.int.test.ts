/**
 * Platform smoke tests: the pieces the services build on behave the way the stack notes say, on this
 * machine's FerretDB, nats-server and Debian Chromium (docs/platform.md §1–§3).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import mongoose, { Schema, type Connection } from 'mongoose';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import puppeteer, { type Browser, type HTTPRequest } from 'puppeteer-core';
import { chromiumLaunchOptions, testDbName, testTmpDir } from '@shop/harness';
// Type-only: brings the global setup's `ProvidedContext` augmentation (mongoUrl, natsUrl) into scope for inject().
import type {} from '../src/vitest-global-setup.js';

const run = promisify(execFile);
const suffix = () => randomUUID().replace(/-/g, '').slice(0, 12);

describe('FerretDB through mongoose', () => {
  let conn: Connection;

  beforeAll(async () => {
    conn = mongoose.createConnection(inject('mongoUrl'), { dbName: testDbName('platform'), autoIndex: false, autoCreate: false });
    await conn.asPromise();
  });

  afterAll(async () => {
    if (!conn) return;
    if (conn.readyState === mongoose.ConnectionStates.connected) await conn.dropDatabase();
    await conn.close();
  });

  const db = () => {
    if (!conn.db) throw new Error('mongoose connection has no db handle');
    return conn.db;
  };

  it('answers ping and buildInfo', async () => {
    const ping = await db().command({ ping: 1 });
    expect(ping.ok).toBe(1);

    const info = await db().admin().buildInfo();
    expect(info.ok).toBe(1);
    expect(typeof info.version).toBe('string');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Array.isArray(info.versionArray)).toBe(true);
    const versionArray = info.versionArray as unknown[];
    expect(versionArray.length).toBeGreaterThanOrEqual(3);
    for (const n of versionArray) expect(typeof n).toBe('number');
    // versionArray and version describe the same release
    expect(info.version.startsWith(versionArray.slice(0, 3).join('.'))).toBe(true);
  });

  it('surfaces a unique-index violation as a duplicate-key error (11000)', async () => {
    const schema = new Schema({ key: { type: String, required: true }, n: Number }, { autoIndex: false, autoCreate: false });
    schema.index({ key: 1 }, { unique: true });
    const Smoke = conn.model('SmokeUnique', schema, `smoke_unique_${suffix()}`);

    await Smoke.createIndexes();
    const indexes = await Smoke.collection.indexes();
    expect(indexes.find((i) => i.key.key === 1)).toMatchObject({ unique: true });

    const key = `k-${suffix()}`;
    await Smoke.create({ key, n: 1 });
    const err: unknown = await Smoke.create({ key, n: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: unknown }).code).toBe(11000);

    expect(await Smoke.countDocuments({})).toBe(1);
    const stored = await Smoke.find({ key }).lean();
    expect(stored.map((d) => d.n)).toEqual([1]);
  });
});

describe('NATS JetStream', () => {
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: inject('natsUrl'), name: 'platform-smoke' });
  });

  afterAll(async () => {
    if (nc && !nc.isClosed()) await nc.close();
  });

  it('deduplicates a second publish with the same msgID within the duplicate window', async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const id = suffix();
    const stream = `SMOKE_${id}`;
    const subject = `smoke.${id}.dedupe`;

    const created = await jsm.streams.add({
      name: stream,
      subjects: [`smoke.${id}.>`],
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60_000),
    });
    try {
      expect(created.config.duplicate_window).toBe(nanos(2 * 60_000));
      expect(created.config.storage).toBe('file');

      const payload = JSON.stringify({ hello: 'world', id });
      const msgID = `msg-${id}`;
      const first = await js.publish(subject, payload, { msgID, timeout: 5_000 });
      const second = await js.publish(subject, payload, { msgID, timeout: 5_000 });

      expect(first).toMatchObject({ stream, duplicate: false });
      expect(second).toMatchObject({ stream, duplicate: true, seq: first.seq });

      const info = await jsm.streams.info(stream);
      expect(info.state.messages).toBe(1);
      expect(info.state.last_seq).toBe(first.seq);

      const stored = await jsm.streams.getMessage(stream, { seq: first.seq });
      expect(stored?.subject).toBe(subject);
      expect(stored?.string()).toBe(payload);
    } finally {
      expect(await jsm.streams.delete(stream)).toBe(true);
    }
    await expect(jsm.streams.info(stream)).rejects.toThrow(/stream not found/i);
  });
});

describe('Chromium PDF rendering', () => {
  const TEN_MINUTES = 10 * 60_000;
  let browser: Browser | undefined;
  let tmp: string | undefined;

  beforeAll(async () => {
    const { executablePath, args, pipe } = await chromiumLaunchOptions();
    browser = await puppeteer.launch({ executablePath, args, pipe, headless: true });
    tmp = testTmpDir('platform-pdf-');
  }, TEN_MINUTES);

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('renders a one-page A4 PDF offline, with external requests blocked', async () => {
    if (!browser || !tmp) throw new Error('browser not started');
    expect(await browser.version()).toMatch(/Chrom/);

    const page = await browser.newPage();
    const isLocal = (url: string) => url.startsWith('data:') || url === 'about:blank';
    const aborted: string[] = [];
    const continued: string[] = [];
    const finished: string[] = [];
    const failed: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (req: HTTPRequest) => {
      if (isLocal(req.url())) {
        continued.push(req.url());
        void req.continue();
      } else {
        aborted.push(req.url());
        void req.abort();
      }
    });
    page.on('requestfinished', (req) => finished.push(req.url()));
    page.on('requestfailed', (req) => failed.push(req.url()));

    const marker = `Smoke invoice INV-TEST-${suffix().toUpperCase()}`;
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>smoke</title>
      <style>body { font-family: 'Liberation Sans', 'DejaVu Sans', sans-serif; }</style></head>
      <body><h1>${marker}</h1><p>Total: 12.34 EUR</p><img id="ext" src="http://example.com/x.png" alt=""></body></html>`;
    await page.setContent(html, { waitUntil: 'load', timeout: 15_000 });

    // The external image was intercepted and aborted, never loaded; nothing else left the page.
    expect(aborted).toContain('http://example.com/x.png');
    expect(failed).toContain('http://example.com/x.png');
    expect(finished.filter((u) => !isLocal(u))).toEqual([]);
    expect(continued.filter((u) => !isLocal(u))).toEqual([]);
    // (no DOM lib in this project's tsconfig, hence the structural type for the in-page callback)
    expect(await page.$eval('#ext', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(0);

    const pdf = await page.pdf({ format: 'A4', timeout: 30_000 });
    await page.close();
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    const file = join(tmp, 'smoke.pdf');
    writeFileSync(file, pdf);
    const { stdout: info } = await run('pdfinfo', [file]);
    expect(info).toMatch(/^Pages:\s+1$/m);
    const { stdout: text } = await run('pdftotext', [file, '-']);
    expect(text).toContain(marker);
    expect(text).toContain('Total: 12.34 EUR');
  });
});
