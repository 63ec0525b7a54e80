import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderSmsProvider, toE164 } from './sms.js';

describe('toE164', () => {
  it.each([
    ['+49 151 1234-5678', '+4915112345678'],
    ['0049 (151) 12345678', '+4915112345678'],
    ['+1.555.010.0199', '+15550100199'],
    ['0151 12345678', undefined],
    ['12345', undefined],
    ['+0123', undefined],
  ])('%s → %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });
});

describe('folderSmsProvider', () => {
  it('writes one file per client reference; a resend overwrites it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-out-'));
    try {
      const sms = folderSmsProvider(join(dir, 'sms'));
      await sms.send({ to: '+4915112345678', body: 'one', clientReference: 'e1.sms' });
      await sms.send({ to: '+4915112345678', body: 'one', clientReference: 'e1.sms' });
      await sms.send({ to: '+4915112345678', body: 'two', clientReference: 'e2.sms' });
      expect(readdirSync(join(dir, 'sms')).sort()).toEqual(['e1.sms.json', 'e2.sms.json']);
      expect(JSON.parse(readFileSync(join(dir, 'sms', 'e2.sms.json'), 'utf8'))).toMatchObject({ to: '+4915112345678', body: 'two' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
