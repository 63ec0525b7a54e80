import { describe, expect, it } from 'vitest';
import { formatDeadLetter, formatList, parseDlqArgs, UsageError } from './dlq-command.js';
import type { DeadLetter } from './dlq.js';

describe('dlq command line', () => {
  it.each([
    [['list'], { cmd: 'list', limit: 1000 }],
    [['list', '--consumer', 'order--payment-succeeded', '--limit', '5'], { cmd: 'list', consumer: 'order--payment-succeeded', limit: 5 }],
    [['show', '12'], { cmd: 'show', seq: 12 }],
    [['redrive', '7'], { cmd: 'redrive', seq: 7 }],
    [[], { cmd: 'help' }],
    [['--help'], { cmd: 'help' }],
  ])('parses %j', (argv, expected) => {
    expect(parseDlqArgs(argv)).toEqual(expected);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['show'], /needs the sequence number/],
    [['show', 'abc'], /"abc" is not a sequence number/],
    [['redrive', '0'], /"0" is not a sequence number/],
    [['redrive', '-3'], /is not a sequence number/],
    [['redrive', '1.5'], /is not a sequence number/],
    [['show', '1', '2'], /exactly one/],
    [['list', '--limit', 'many'], /unexpected argument "--limit"/],
    [['list', '--bogus'], /unexpected argument "--bogus"/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseDlqArgs(argv)).toThrow(UsageError);
    expect(() => parseDlqArgs(argv)).toThrow(message);
  });

  const dl: DeadLetter = {
    seq: 3,
    originalSubject: 'shop.payment.succeeded.v1',
    consumer: 'order--payment-succeeded',
    error: 'order 42 does not exist',
    kind: 'permanent',
    deliveryCount: 1,
    time: new Date('2026-11-25T10:00:00Z'),
    originalStream: 'PAYMENTS',
    originalSeq: 17,
    eventId: 'e-1',
    correlationId: 'req-9',
    headers: { 'Shop-Error': ['order 42 does not exist'] },
    body: '{"id":"e-1"}',
    json: { id: 'e-1' },
  };

  it('prints a table of dead letters and a count', () => {
    const text = formatList([dl]);
    const [header, row, footer] = text.trimEnd().split('\n');
    expect(header).toMatch(/^SEQ\s+DEAD-LETTERED AT\s+SUBJECT\s+CONSUMER\s+DELIVERIES\s+KIND\s+ERROR$/);
    expect(row).toMatch(
      /^3\s+2026-11-25T10:00:00.000Z\s+shop.payment.succeeded.v1\s+order--payment-succeeded\s+1\s+permanent\s+order 42 does not exist$/,
    );
    expect(footer).toBe('1 dead letter.');
    expect(formatList([])).toBe('No dead letters.\n');
  });

  it('shows one dead letter with headers and pretty JSON, or the raw body when it is not JSON', () => {
    const text = formatDeadLetter(dl);
    expect(text).toContain('Dead letter 3');
    expect(text).toContain('shop.payment.succeeded.v1 (stream PAYMENTS, seq 17)');
    expect(text).toContain('  Shop-Error: order 42 does not exist');
    expect(text).toContain('  {\n    "id": "e-1"\n  }');
    expect(formatDeadLetter({ ...dl, body: '{oops', json: undefined })).toContain('{oops (not JSON)');
  });
});
