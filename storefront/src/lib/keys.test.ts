import { describe, expect, it } from 'vitest';
import { cartIdStore, idempotencyKeys, type KeyStore } from './keys.js';

/** sessionStorage/localStorage as the browser keeps them: strings by key, surviving a reload of the page. */
function memoryStorage(): KeyStore & { size: () => number } {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    size: () => data.size,
  };
}

describe('idempotency keys', () => {
  it('gives the same key to every attempt until the outcome is final, also after a reload', () => {
    const storage = memoryStorage();
    let n = 0;
    const newKey = () => `key-${++n}`;
    const first = idempotencyKeys(storage, newKey);
    const key = first.keyFor('checkout:cart-1');
    expect(first.keyFor('checkout:cart-1')).toBe(key); // a double click
    const afterReload = idempotencyKeys(storage, newKey); // the page loaded again, same tab storage
    expect(afterReload.keyFor('checkout:cart-1')).toBe(key);
    expect(n).toBe(1);
  });

  it('keeps one key per purpose, and a new one after clear', () => {
    const storage = memoryStorage();
    const keys = idempotencyKeys(storage);
    const checkout = keys.keyFor('checkout:cart-1');
    const pay = keys.keyFor('pay:order-1:0');
    expect(pay).not.toBe(checkout);
    expect(checkout).toMatch(/^[0-9a-f-]{36}$/);
    keys.clear('checkout:cart-1');
    expect(keys.keyFor('checkout:cart-1')).not.toBe(checkout);
    expect(keys.keyFor('pay:order-1:0')).toBe(pay);
  });
});

describe('cart id', () => {
  it('is kept until forgotten', () => {
    const storage = memoryStorage();
    const ids = cartIdStore(storage);
    expect(ids.get()).toBeNull();
    ids.set('cart-1');
    expect(cartIdStore(storage).get()).toBe('cart-1');
    ids.clear();
    expect(ids.get()).toBeNull();
    expect(storage.size()).toBe(0);
  });
});
