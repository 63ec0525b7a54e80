import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensurePdfTools, ROOT } from '@shop/harness';
import { CreateProductDocument, OrderInvoiceDocument, PayOrderDocument } from './__generated__/operations.js';
import { gatewayOperation } from './support/client.js';
import { pdfText } from './support/pdf.js';
import { addToCart, ADDRESS, checkout, downloadInvoice, orderStatus, payWith, tabTo, waitForText } from './support/shopper.js';
import { startShop, type Shop } from './support/storefront.js';

/**
 * Issue 13 §4: the storefront in a real browser (Debian's Chromium through playwright-core) against the
 * whole system of `npm start`, the identity sandbox and the storefront's server. Every test takes
 * screenshots and scans each page it visits with axe-core (support/browser/session.ts); no page may
 * request anything beyond loopback. Screenshots: .cache/test/browser/storefront/<test>/.
 */
const ARTIFACTS = join(ROOT, '.cache', 'test', 'browser', 'storefront');
const BROWSER_TEST_MS = 240_000;

let shop: Shop;
let failed = false;
let admin: Record<string, string>;

beforeAll(async () => {
  await ensurePdfTools();
  shop = await startShop({ mongoUrl: inject('mongoUrl'), artifacts: ARTIFACTS });
  admin = await shop.system.bearer('browser-admin', 'admin');
}, 600_000);

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') failed = true;
  // Every page of every test stayed on loopback: a request beyond it was aborted, and fails the test here.
  expect(shop.session.blocked).toEqual([]);
});

afterAll(async () => {
  process.stderr.write(`browser test screenshots: ${ARTIFACTS}\n`);
  await shop?.stop(failed);
}, 120_000);

/** A product of its own for one test, created through the gateway as an admin. */
async function newProduct(name: string, stock = 20, price = 2_500) {
  const tag = randomUUID().slice(0, 8);
  const input = {
    sku: `WEB-${tag.toUpperCase()}`,
    name: `${name} ${tag}`,
    description: 'browser test',
    price,
    categorySlugs: [],
    initialStock: stock,
  };
  const created = await gatewayOperation(shop.system.gatewayUrl, CreateProductDocument, { input }, admin);
  const product = created.createProduct.product;
  if (!product) throw new Error(`createProduct: ${JSON.stringify(created.createProduct.userErrors)}`);
  return { id: product.id, slug: product.slug, name: input.name };
}

/** A phone-sized touch screen (an iPhone 14's CSS viewport). */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** The page needs no sideways scrolling at the phone's width: nothing is wider than the screen. */
async function fitsThePhone(page: Page): Promise<void> {
  const width = await page.evaluate('document.documentElement.scrollWidth');
  expect(width).toBeLessThanOrEqual(PHONE.viewport.width);
}

const orderIdOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').at(-1)!);

describe('the storefront in a browser', () => {
  it(
    'measures the first page’s JS gzipped and the requests per page view, APQ hashes vs full queries (printed)',
    async () => {
      const product = await newProduct('Budget lamp');
      const views: [string, string][] = [
        ['catalog', '/'],
        ['product', `/products/${encodeURIComponent(product.slug)}`],
        ['cart', '/cart'],
      ];
      const lines: string[] = [];
      let secondBrowserHashHits = 0;
      for (const pass of ['first visit', 'second browser'] as const) {
        const t = await shop.session.open(`budgets ${pass}`);
        for (const [name, path] of views) {
          const responses: Response[] = [];
          const onResponse = (r: Response) => void responses.push(r);
          t.page.on('response', onResponse);
          const before = (await t.gatewayRequests()).length;
          await t.page.goto(`${shop.storefront}${path}`, { waitUntil: 'networkidle' });
          await t.page.getByRole('heading', { level: 1 }).first().waitFor();
          t.page.off('response', onResponse);
          const gateway = (await t.gatewayRequests()).slice(before);
          const count = (kind: string) => gateway.filter((r) => r.kind === kind).length;
          let js = '';
          if (pass === 'first visit' && name === 'catalog') {
            const scripts = responses.filter((r) => r.request().resourceType() === 'script');
            const bodies = await Promise.all(scripts.map((r) => r.body()));
            const raw = bodies.reduce((n, b) => n + b.length, 0);
            const gz = bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
            js = `; JS ${scripts.length} file(s), ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped`;
            expect(scripts.length).toBeGreaterThan(0);
          }
          lines.push(
            `${pass.padEnd(14)} ${name.padEnd(8)} ${String(responses.length).padStart(3)} requests, gateway ${gateway.length}: ` +
              `${count('hash-hit')} APQ hash hits, ${count('hash-miss')} hash misses, ${count('full-query')} full queries${js}`,
          );
          if (pass === 'second browser') {
            // The gateway knows every document by now: a second browser sends hashes only (a view that
            // needs no data, the empty cart of a new browser, sends nothing at all).
            expect(count('full-query')).toBe(0);
            expect(count('hash-miss')).toBe(0);
            secondBrowserHashHits += count('hash-hit');
          }
        }
      }
      expect(secondBrowserHashHits).toBeGreaterThan(0);
      console.info(`storefront budgets (measured, not asserted):\n${lines.join('\n')}`);
    },
    BROWSER_TEST_MS,
  );

  it(
    'buys as a guest with tok_visa, sees PAID, and downloads the READY invoice as a PDF with its number',
    async () => {
      const product = await newProduct('Guest kettle');
      const t = await shop.session.open('guest purchase');
      const { page } = t;
      await page.goto(shop.storefront);
      await page.getByRole('heading', { name: 'Catalog' }).waitFor();
      await page.getByRole('searchbox', { name: 'Search' }).fill(product.name);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('link', { name: product.name }).waitFor();
      await t.check('catalog search');
      await page.getByRole('link', { name: product.name }).click();
      await page.getByRole('heading', { name: product.name }).waitFor();
      await addToCart(t, shop.storefront, product.slug, 2);
      const orderUrl = await checkout(t, shop.storefront);
      await payWith(page, 'tok_visa');
      await waitForText(orderStatus(page), 'PAID');
      const { pdf, contentType } = await downloadInvoice(page);
      await t.check('order paid, invoice ready');
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // The guest holds the order id, which is all it takes to read the order (and its invoice).
      const { invoice } = (await gatewayOperation(shop.system.gatewayUrl, OrderInvoiceDocument, { id: orderIdOf(orderUrl) }, {})).order!;
      expect(invoice?.status).toBe('READY');
      expect(pdfText(pdf)).toContain(invoice!.number);
      expect(contentType).toBe('application/pdf');
    },
    BROWSER_TEST_MS,
  );

  it(
    'on a phone: shows a declined card as a sentence, then pays with another card',
    async () => {
      const product = await newProduct('Declined teapot');
      const t = await shop.session.open('declined then retry on a phone', PHONE);
      await addToCart(t, shop.storefront, product.slug);
      await fitsThePhone(t.page);
      await checkout(t, shop.storefront);
      await fitsThePhone(t.page);
      await payWith(t.page, 'tok_declined');
      // The order page says it once, from the recorded payment; the form does not repeat it.
      const declined = t.page.getByRole('alert').filter({ hasText: 'Your card was declined. Try another card.' });
      await declined.filter({ hasText: 'You can pay again below.' }).waitFor({ timeout: 60_000 });
      expect(await declined.count()).toBe(1);
      await t.check('payment declined');
      await fitsThePhone(t.page);
      await payWith(t.page, 'tok_visa');
      await waitForText(orderStatus(t.page), 'PAID');
      await t.check('paid after retry');
    },
    BROWSER_TEST_MS,
  );

  it(
    'pays with tok_3ds through the provider’s authentication page and back to a PAID order',
    async () => {
      const product = await newProduct('3DS toaster');
      const t = await shop.session.open('3ds round trip');
      await addToCart(t, shop.storefront, product.slug);
      await checkout(t, shop.storefront);
      await payWith(t.page, 'tok_3ds');
      const action = t.page.getByRole('link', { name: /Complete 3-D Secure authentication/ });
      await action.waitFor({ timeout: 60_000 });
      await t.check('3ds required');
      const [provider] = await Promise.all([t.context.waitForEvent('page'), action.click()]);
      await provider.getByRole('heading', { name: 'Authentication complete' }).waitFor();
      await provider.screenshot({ path: join(shop.session.artifacts, '3ds-round-trip', 'provider-page.png') });
      await provider.close();
      await t.page.bringToFront();
      await waitForText(orderStatus(t.page), 'PAID');
      await t.check('paid after 3ds');
    },
    BROWSER_TEST_MS,
  );

  it(
    'signs in through the identity provider’s login page and keeps the guest cart as the customer’s',
    async () => {
      const product = await newProduct('Claimed mug');
      const t = await shop.session.open('sign in claims cart');
      const { page } = t;
      await addToCart(t, shop.storefront, product.slug, 3);
      await page.goto(`${shop.storefront}/cart`);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Name').waitFor();
      expect(new URL(page.url()).origin).toBe(shop.identity);
      await t.check('identity login page');
      const customer = `Browser Buyer ${randomUUID().slice(0, 6)}`;
      await page.getByLabel('Name').fill(customer);
      await page.getByLabel('Role').selectOption('customer');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Signed in as ${customer}`).waitFor({ timeout: 60_000 });
      // The callback page claims the guest cart, then returns to where sign-in started.
      await page.waitForURL((url) => url.pathname === '/cart', { timeout: 60_000 });
      await page.getByRole('link', { name: product.name }).waitFor();
      await expect.poll(() => page.getByText(`3 × `).count()).toBeGreaterThan(0);
      await t.check('cart after sign-in');
      // The claimed cart is the customer's: it is still there after a reload.
      await page.reload();
      await page.getByText(`Signed in as ${customer}`).waitFor();
      await page.getByRole('link', { name: product.name }).waitFor();
    },
    BROWSER_TEST_MS,
  );

  it(
    'turns the open order page to PAID without a reload when the order is paid elsewhere',
    async () => {
      const product = await newProduct('Live clock');
      const t = await shop.session.open('live order page');
      await addToCart(t, shop.storefront, product.slug);
      const orderUrl = await checkout(t, shop.storefront);
      // A reload would lose this mark.
      await t.page.evaluate('window.__sameDocument = true');
      // Paid once the page follows the order's event stream, so only the stream can tell it.
      await t.page.getByText('Live updates on').waitFor({ timeout: 30_000 });
      const paid = await gatewayOperation(
        shop.system.gatewayUrl,
        PayOrderDocument,
        { input: { orderId: orderIdOf(orderUrl), paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
        {},
      );
      expect(paid.payOrder.userErrors).toEqual([]);
      await waitForText(orderStatus(t.page), 'PAID');
      expect(await t.page.evaluate('window.__sameDocument === true')).toBe(true);
      await t.check('paid live');
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows an out-of-stock sentence next to the cart line whose product sold out',
    async () => {
      const product = await newProduct('Last umbrella', 1);
      const t = await shop.session.open('out of stock line');
      await addToCart(t, shop.storefront, product.slug);
      // Another shopper buys the last unit.
      const other = await shop.session.open('out of stock other shopper');
      await addToCart(other, shop.storefront, product.slug);
      await checkout(other, shop.storefront, { ...ADDRESS, email: 'other@example.com' });
      await t.page.goto(`${shop.storefront}/cart`);
      const line = t.page.getByRole('listitem').filter({ has: t.page.getByRole('link', { name: product.name }) });
      await line.getByRole('alert').filter({ hasText: 'This product is out of stock' }).waitFor({ timeout: 60_000 });
      await t.check('cart line out of stock');
    },
    BROWSER_TEST_MS,
  );

  it(
    'checks out and pays with the keyboard alone (Tab, Enter, Space)',
    async () => {
      const product = await newProduct('Keyboard');
      const t = await shop.session.open('keyboard checkout');
      const { page } = t;
      const key = (k: string) => page.keyboard.press(k);
      await page.goto(`${shop.storefront}/products/${encodeURIComponent(product.slug)}`);
      await page.getByRole('button', { name: 'Add to cart' }).waitFor();
      await tabTo(page, page.getByRole('button', { name: 'Add to cart' }));
      await key('Enter');
      const viewCart = page.getByRole('link', { name: 'View cart' });
      await viewCart.waitFor();
      await tabTo(page, viewCart);
      await key('Enter');
      const toCheckout = page.getByRole('button', { name: 'Checkout' });
      await toCheckout.waitFor();
      await tabTo(page, toCheckout);
      await key('Enter');
      await page.getByRole('heading', { name: 'Checkout' }).waitFor();
      const fields: [string, string][] = [
        ['Email', ADDRESS.email],
        ['Full name', ADDRESS.name],
        ['Street', ADDRESS.street],
        ['City', ADDRESS.city],
        ['Postal code', ADDRESS.postalCode],
        ['Country', ADDRESS.country],
      ];
      for (const [label, value] of fields) {
        await tabTo(page, page.getByLabel(label, { exact: true }));
        await page.keyboard.type(value);
      }
      await t.shot('checkout typed');
      await tabTo(page, page.getByRole('button', { name: 'Place order' }));
      await key('Enter');
      await waitForText(orderStatus(page), 'PENDING_PAYMENT');
      // tok_visa is the preselected test card; Space presses the focused button.
      await tabTo(page, page.getByRole('button', { name: 'Pay' }));
      await key('Space');
      await waitForText(orderStatus(page), 'PAID');
      await t.check('paid by keyboard');
    },
    BROWSER_TEST_MS,
  );
});
