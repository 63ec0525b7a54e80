import type { Locator, Page } from 'playwright-core';
import type { TestPage } from './browser/session.js';

/**
 * What a shopper does on the storefront, through the names its pages give their controls
 * (storefront/README.md, "Page contract"): role and label locators only, as assistive technology sees them.
 */
export interface Address {
  email: string;
  name: string;
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

export const ADDRESS: Address = {
  email: 'browser-buyer@example.com',
  name: 'Ada Browser',
  street: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};

export const orderStatus = (page: Page) => page.getByTestId('order-status');

/** Waits (up to `timeoutMs`) until `locator`'s text is `text`; the error names what it last saw. */
export async function waitForText(locator: Locator, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.textContent({ timeout: 5_000 }).catch(() => null);
    if (last?.trim() === text) return;
    await locator.page().waitForTimeout(200);
  }
  throw new Error(`expected "${text}", last saw ${JSON.stringify(last)} (${locator.toString()})`);
}

/** The product page: sets the quantity, adds to the cart and waits for the confirmation. */
export async function addToCart(t: TestPage, storefront: string, slug: string, quantity = 1): Promise<void> {
  const { page } = t;
  await page.goto(`${storefront}/products/${encodeURIComponent(slug)}`);
  await page.getByRole('button', { name: 'Add to cart' }).waitFor();
  await t.check('product page');
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Added ${quantity} to your cart` })
    .waitFor();
}

/** From the cart to a placed order: fills the checkout form, places the order, returns the order page's URL. */
export async function checkout(t: TestPage, storefront: string, address: Address = ADDRESS): Promise<string> {
  const { page } = t;
  await page.goto(`${storefront}/cart`);
  await page.getByRole('heading', { name: 'Cart' }).waitFor();
  await t.check('cart');
  await page.getByRole('button', { name: 'Checkout' }).click();
  await page.getByRole('heading', { name: 'Checkout' }).waitFor();
  await page.getByLabel('Email').fill(address.email);
  await page.getByLabel('Full name').fill(address.name);
  await page.getByLabel('Street').fill(address.street);
  await page.getByLabel('City').fill(address.city);
  await page.getByLabel('Postal code').fill(address.postalCode);
  await page.getByLabel('Country').fill(address.country);
  await t.check('checkout');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('heading', { name: /^Order / }).waitFor();
  await waitForText(orderStatus(page), 'PENDING_PAYMENT');
  await t.check('order awaiting payment');
  return page.url();
}

/** Chooses a test card on the order page and pays. */
export async function payWith(page: Page, card: 'tok_visa' | 'tok_declined' | 'tok_3ds'): Promise<void> {
  await page.getByLabel('Test card').selectOption(card);
  await page.getByRole('button', { name: 'Pay' }).click();
}

/** Clicks the invoice link and returns the PDF the browser downloads (it opens in a new tab). */
export async function downloadInvoice(page: Page): Promise<{ url: string; pdf: Buffer; contentType: string }> {
  const link = page.getByRole('link', { name: 'Download invoice (PDF)' });
  await link.waitFor({ timeout: 90_000 });
  const href = await link.getAttribute('href');
  if (!href) throw new Error('the invoice link has no href');
  // The link opens the gateway's signed URL in a new tab, served inline: Chromium shows it in its PDF
  // viewer rather than firing a download, so the test fetches that URL with the page's request context,
  // on 127.0.0.1: Playwright's request client resolves a host name for IPv4 and IPv6, and this machine's
  // /etc/hosts names `localhost` for IPv4 only, so the IPv6 half would query the DNS resolver, a packet
  // beyond loopback (the network audit caught it). The link's signature does not cover the host.
  const url = new URL(href, page.url()).toString();
  const direct = new URL(url);
  if (direct.hostname === 'localhost') direct.hostname = '127.0.0.1';
  const res = await page.context().request.get(direct.toString());
  if (!res.ok()) throw new Error(`GET ${direct.toString()} → ${res.status()}`);
  return { url, pdf: await res.body(), contentType: res.headers()['content-type'] ?? '' };
}

/**
 * Runs in the page with the element: whether it has the focus. A function, not a string: Playwright
 * evaluates a string as an expression, so `'el => …'` would only produce a function, never call it.
 */
const isFocused = (el: { ownerDocument: { activeElement: unknown } }): boolean => el === el.ownerDocument.activeElement;

/** Presses Tab (at most `max` times) until `target` has the focus; throws naming where the focus went. */
export async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate(isFocused).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target.toString()} never got the focus after ${max} Tab presses`);
}
