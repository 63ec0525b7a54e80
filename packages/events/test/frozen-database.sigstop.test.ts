import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Connection } from 'mongoose';
import { connectMongo } from '@shop/kit';
import { startFerretDb, testTmpDir, type DatabaseInstance } from '@shop/harness';
import { classifyFailure } from '../src/index.js';

/**
 * A database that stops answering (SIGSTOP of a FerretDB of this file's own) must fail calls within
 * connectMongo's default timeouts, as a transient failure the consumers retry, never hold them.
 */

let dir: string;
let db: DatabaseInstance;
let conn: Connection;

beforeAll(async () => {
  dir = testTmpDir('events-frozen-db-');
  db = await startFerretDb({ dataDir: join(dir, 'db'), logFile: join(dir, 'ferretdb.log') });
  conn = await connectMongo(db.url, 'frozen');
});

afterAll(async () => {
  await conn?.close();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('connectMongo against a frozen database', () => {
  it('a query on an open connection fails within the default timeouts, classified transient', async () => {
    const notes = conn.db!.collection<{ _id: string }>('notes');
    await notes.insertOne({ _id: 'warm' });
    const pid = db.process!.pid!;
    process.kill(pid, 'SIGSTOP');
    onTestFinished(() => {
      process.kill(pid, 'SIGCONT');
    });
    // Bounded wait well above the 30 s socket timeout: without it the query waits for SIGCONT.
    const outcome = await Promise.race([
      notes.findOne({ _id: 'warm' }).then(
        () => 'answered' as const,
        (err: unknown) => err,
      ),
      new Promise((r) => setTimeout(() => r('still waiting' as const), 60_000)),
    ]);
    expect(outcome).toBeInstanceOf(Error);
    expect(classifyFailure(outcome)).toEqual({ kind: 'transient', reason: 'database unavailable' });
  }, 90_000);
});
