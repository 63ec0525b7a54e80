import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { secondsSince, type Logger } from '@shop/kit';
import { renderMetrics } from './metrics.js';

/**
 * One long-lived Chromium and a small pool of long-lived pages (docs/platform.md §2: a reused page renders
 * an invoice ~7× faster than a fresh context). At most `size` jobs run at once, each on a page of its
 * own; a page is recreated after an error, a timeout or every `recycleAfter` jobs; the browser is
 * relaunched on the next job when it died (disconnected) — whatever killed it.
 */

export interface LaunchOptions {
  executablePath: string;
  args: string[];
  pipe?: boolean;
}

interface Slot {
  page: Page | null;
  jobs: number;
}

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`render timed out after ${ms} ms`);
    this.name = 'RenderTimeoutError';
  }
}

export class BrowserPool {
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private readonly free: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private closed = false;
  /** Browsers launched so far (tests and logs). */
  launches = 0;

  constructor(
    private readonly launchOptions: () => Promise<LaunchOptions>,
    private readonly opts: { size: number; timeoutMs: number; recycleAfter: number; log: Logger },
  ) {
    this.free = Array.from({ length: opts.size }, () => ({ page: null, jobs: 0 }));
    renderMetrics.size.set(opts.size);
  }

  /** The current browser, launching one if there is none or it died. */
  async current(): Promise<Browser> {
    if (this.closed) throw new Error('browser pool closed');
    if (this.browser?.connected) return this.browser;
    this.launching ??= this.launch().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const o = await this.launchOptions();
    const browser = await puppeteer.launch({
      executablePath: o.executablePath,
      args: o.args,
      pipe: o.pipe ?? true,
      headless: true,
      protocolTimeout: Math.max(60_000, this.opts.timeoutMs * 2),
    });
    this.launches++;
    renderMetrics.launches.inc();
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = null;
      if (!this.closed) this.opts.log.warn({ launches: this.launches }, 'chromium disconnected; relaunching on the next job');
    });
    this.browser = browser;
    this.opts.log.info({ version: await browser.version(), pid: browser.process()?.pid }, 'chromium launched');
    return browser;
  }

  /** The pid of the running Chromium, if any (tests kill it). */
  pid(): number | undefined {
    return this.browser?.process()?.pid;
  }

  private acquire(): Promise<Slot> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      renderMetrics.waiting.set(this.waiting.length);
    });
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    renderMetrics.waiting.set(this.waiting.length);
    if (next) next(slot);
    else this.free.push(slot);
  }

  private async pageFor(slot: Slot): Promise<Page> {
    const browser = await this.current();
    if (slot.page && !slot.page.isClosed() && slot.page.browser() === browser) return slot.page;
    slot.page = await newOfflinePage(browser);
    slot.jobs = 0;
    return slot.page;
  }

  private async discard(slot: Slot): Promise<void> {
    const page = slot.page;
    slot.page = null;
    slot.jobs = 0;
    if (!page || page.isClosed()) return;
    const closed = await Promise.race([
      page.close().then(
        () => true,
        () => true,
      ),
      delay(5_000).then(() => false),
    ]);
    if (!closed) {
      // A page that cannot even close is hung: kill the browser; the next job relaunches it.
      this.opts.log.warn('a page did not close; killing chromium');
      page.browser().process()?.kill('SIGKILL');
    }
  }

  /** Runs `job` on a pooled page within the per-job timeout. */
  async run<T>(job: (page: Page) => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    renderMetrics.busy.inc();
    const start = process.hrtime.bigint();
    let outcome = 'error';
    try {
      const page = await this.pageFor(slot);
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          job(page),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TimeoutError(this.opts.timeoutMs)), this.opts.timeoutMs);
          }),
        ]);
        outcome = 'ok';
        if (++slot.jobs >= this.opts.recycleAfter) await this.discard(slot);
        return result;
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      if (err instanceof TimeoutError) outcome = 'timeout';
      await this.discard(slot);
      throw err;
    } finally {
      renderMetrics.renders.inc({ outcome });
      renderMetrics.duration.observe(secondsSince(start));
      renderMetrics.busy.dec();
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = this.browser ?? (await this.launching?.catch(() => null)) ?? null;
    this.browser = null;
    await browser?.close().catch(() => browser.process()?.kill('SIGKILL'));
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A page that can load nothing but `data:` and `about:` URLs (offline, and no SSRF through the template). */
async function newOfflinePage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.isInterceptResolutionHandled()) return;
    if (/^(data:|about:)/.test(r.url())) void r.continue();
    else void r.abort('blockedbyclient');
  });
  await page.emulateMediaType('print');
  return page;
}
