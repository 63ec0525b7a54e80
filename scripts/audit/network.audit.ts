import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { beyondLoopback, destinations, failedAttempts } from '../src/net-audit.js';

/**
 * Runs after the whole suite (npm test), over the strace log of every process the suite started:
 * Node, FerretDB, nats-server and Chromium alike.
 */
describe('the test run', () => {
  const path = process.env.NET_AUDIT_LOG;

  it('was traced (the log names the loopback connections the suite made)', () => {
    expect(path, 'NET_AUDIT_LOG is set by npm test').toBeTruthy();
    const local = destinations(readFileSync(path!, 'utf8'));
    expect(local.length).toBeGreaterThan(10);
  });

  it('opened no connection beyond loopback', () => {
    const log = readFileSync(path!, 'utf8');
    for (const attempt of failedAttempts(log)) {
      console.info(`refused before leaving the machine: ${attempt.address}:${attempt.port} (${attempt.line.slice(-60)})`);
    }
    expect(beyondLoopback(log).map((d) => d.line)).toEqual([]);
  });
});
