/**
 * `npm run outbox -- quarantined` (MONGODB_URL, MONGODB_DB = the service's database, e.g. shop_order):
 * lists the outbox records the relay quarantined because their event breaks its contract (see outbox.ts).
 */
import { z } from 'zod';
import { ConfigError, connectMongo, mongoUrl, parseConfig } from '@shop/kit';
import { formatQuarantined, listQuarantined } from './quarantine.js';

export const OUTBOX_USAGE = `Usage: outbox quarantined

  quarantined   outbox records the relay took out of publication (event breaks its contract), oldest first

MONGODB_URL and MONGODB_DB select the service's database (e.g. MONGODB_DB=shop_order).
`;

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    out(OUTBOX_USAGE);
    return 0;
  }
  if (cmd !== 'quarantined' || rest.length > 0) {
    err(`outbox: unexpected arguments "${argv.join(' ')}"\n\n${OUTBOX_USAGE}`);
    return 2;
  }
  let config: { MONGODB_URL: string; MONGODB_DB: string };
  try {
    config = parseConfig('outbox', {
      MONGODB_URL: mongoUrl.default('mongodb://127.0.0.1:27017/?directConnection=true'),
      MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'the service database, e.g. shop_order'),
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(`${e.message}\n`);
    return 2;
  }
  const conn = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { timeoutMs: 5_000 });
  try {
    out(formatQuarantined(await listQuarantined(conn.db!)));
    return 0;
  } finally {
    await conn.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`outbox: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
