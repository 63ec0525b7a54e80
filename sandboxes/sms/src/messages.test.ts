import { describe, expect, it } from 'vitest';
import { MessageStore, TEST_NUMBERS } from './messages.js';

const req = (clientReference: string, to = '+4915112345678', body = 'hello') => ({ to, body, clientReference });

describe('MessageStore', () => {
  it('sends a new reference once and answers the same message for a repeat', () => {
    const store = new MessageStore();
    const first = store.send(req('ref-1'));
    const again = store.send(req('ref-1'));
    expect(first).toMatchObject({ kind: 'sent', replayed: false });
    expect(again).toMatchObject({ kind: 'sent', replayed: true });
    if (first.kind !== 'sent' || again.kind !== 'sent') throw new Error('unreachable');
    expect(again.message.id).toBe(first.message.id);
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0]!.requests).toBe(2);
  });

  it.each([
    ['another number', req('ref-2', '+4915100000000')],
    ['another body', req('ref-2', '+4915112345678', 'other')],
  ])('refuses a reused reference with %s', (_what, second) => {
    const store = new MessageStore();
    store.send(req('ref-2'));
    expect(store.send(second).kind).toBe('conflict');
    expect(store.list()).toHaveLength(1);
  });

  it('scripts the test numbers: undeliverable always, flaky once per reference', () => {
    const store = new MessageStore();
    expect(store.send(req('u', TEST_NUMBERS.undeliverable)).kind).toBe('undeliverable');
    expect(store.send(req('f', TEST_NUMBERS.flaky)).kind).toBe('unavailable');
    expect(store.send(req('f', TEST_NUMBERS.flaky)).kind).toBe('sent');
    expect(store.send(req('g', TEST_NUMBERS.flaky)).kind).toBe('unavailable');
    expect(store.list({ to: TEST_NUMBERS.flaky })).toHaveLength(1);
  });

  it('filters by number and reference', () => {
    const store = new MessageStore();
    store.send(req('a', '+111111'));
    store.send(req('b', '+222222'));
    expect(store.list({ to: '+222222' }).map((m) => m.clientReference)).toEqual(['b']);
    expect(store.list({ clientReference: 'a' }).map((m) => m.to)).toEqual(['+111111']);
  });
});
