import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError } from '@shop/kit';
import { booksFile } from './books.js';
import { MessageStore } from './messages.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sms-books-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the SMS books file', () => {
  it('holds every change of the store, and a store built on it answers a repeat with the first message', () => {
    const file = booksFile(dir);
    const store = new MessageStore(file.load()?.messages, (messages) => file.save({ version: 1, messages }));
    store.send({ to: '+4915112345678', body: 'hi', clientReference: 'r1' });
    const reborn = new MessageStore(file.load()?.messages);
    expect(reborn.send({ to: '+4915112345678', body: 'hi', clientReference: 'r1' })).toMatchObject({ kind: 'sent', replayed: true });
    expect(reborn.list()).toHaveLength(1);
  });

  it('refuses a file that is not books, naming the file and the problem', () => {
    writeFileSync(join(dir, 'books.json'), JSON.stringify({ version: 1, messages: [{ id: 'sms_1' }] }));
    expect(() => booksFile(dir).load()).toThrow(StateFileError);
    expect(() => booksFile(dir).load()).toThrow(
      new RegExp(`^${join(dir, 'books.json')}: not a valid state file[\\s\\S]*messages\\.0\\.to: `),
    );
  });
});
