/**
 * Where the storefront keeps what must survive a reload. The guest cart id lives in localStorage (across
 * reloads and tabs); idempotency keys live in sessionStorage (one tab's checkout), created once and
 * reused for every retry, so a double click, a retry after a network error or a reload sends the same
 * key and the API answers with the same order or payment instead of making a second one.
 */
export interface KeyStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const CART_KEY = 'shop.cartId';

export const cartIdStore = (store: KeyStore) => ({
  get: (): string | null => store.getItem(CART_KEY),
  set: (id: string) => store.setItem(CART_KEY, id),
  clear: () => store.removeItem(CART_KEY),
});

/** One idempotency key per purpose (e.g. `checkout:<cartId>`), generated on first use and kept until cleared. */
export function idempotencyKeys(store: KeyStore, newKey: () => string = () => crypto.randomUUID()) {
  const slot = (purpose: string) => `shop.idempotency.${purpose}`;
  return {
    keyFor(purpose: string): string {
      const existing = store.getItem(slot(purpose));
      if (existing) return existing;
      const key = newKey();
      store.setItem(slot(purpose), key);
      return key;
    },
    /** After the operation's outcome is final (order made, payment failed): the next attempt is a new one. */
    clear(purpose: string): void {
      store.removeItem(slot(purpose));
    },
  };
}
