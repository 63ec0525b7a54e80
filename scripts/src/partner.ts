/**
 * `npm run partner -- add <name> --ops <ids|names|all>`: registers a partner, prints its API key once.
 * `npm run partner -- revoke <name>` · `npm run partner -- list` · `npm run partner -- usage [name] [--since 2026-11-01]`
 * Talks to the gateway's database: MONGODB_URL (+ MONGODB_DB, default shop_gateway), or the one a
 * running `npm start` recorded in .cache/dev/running.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectMongo } from '@shop/kit';
import { STATE_DIR } from '@shop/harness';
import { addPartner, listPartners, loadSafelist, partnerModels, PartnerError, revokePartner, usageReport } from '@shop/gateway';

const USAGE = `usage:
  npm run partner -- add <name> --ops <id,id,…|name,name,…|all>
  npm run partner -- revoke <name>
  npm run partner -- list
  npm run partner -- usage [<name>] [--since <date>]`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function databaseUrl(): string {
  if (process.env.MONGODB_URL) return process.env.MONGODB_URL;
  const running = join(STATE_DIR, 'running.json');
  if (existsSync(running)) return (JSON.parse(readFileSync(running, 'utf8')) as { MONGODB_URL: string }).MONGODB_URL;
  return fail('no database: start the system with `npm start` (or set MONGODB_URL to the gateway database)');
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ops: { type: 'string' }, since: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const [command = '', name, ...extra] = positionals;
if (values.help || !command) fail(USAGE, values.help ? 0 : 2);
if (extra.length) fail(`unexpected arguments: ${extra.join(' ')}\n${USAGE}`, 2);

// Everything that can be checked without the database is checked first, so a typo fails at once.
const COMMANDS = ['add', 'revoke', 'list', 'usage'] as const;
if (!(COMMANDS as readonly string[]).includes(command)) fail(`unknown command "${command}"\n${USAGE}`, 2);
if ((command === 'add' || command === 'revoke') && !name) fail(`${command} needs a partner name\n${USAGE}`, 2);
const since = values.since ? new Date(values.since) : undefined;
if (since && Number.isNaN(since.getTime())) fail(`--since: "${values.since}" is not a date`, 2);
const safelist = loadSafelist();
let grant: string[] = [];
if (command === 'add') {
  const ops = values.ops?.trim();
  if (!ops) fail(`add needs --ops (operation ids or names from schema/persisted-queries/partner.json, or all)\n${USAGE}`, 2);
  try {
    grant = safelist.resolve(
      ops === 'all'
        ? 'all'
        : ops
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );
  } catch (err) {
    fail((err as Error).message);
  }
}

const dbName = process.env.MONGODB_DB ?? 'shop_gateway';
const conn = await connectMongo(databaseUrl(), dbName).catch((err: Error) => fail(`cannot reach the gateway database: ${err.message}`));
try {
  const models = await partnerModels(conn);
  if (command === 'add') {
    const key = await addPartner(models, name!, grant);
    const lines = grant.map((id) => `  ${id}  ${safelist.byId.get(id)!.name}`).join('\n');
    process.stdout.write(
      `partner "${name}" registered with ${grant.length} operation(s):\n${lines}\n\n` +
        `API key (shown only now; store it safely — only its hash is kept):\n${key}\n`,
    );
  } else if (command === 'revoke') {
    const changed = await revokePartner(models, name!);
    process.stdout.write(
      changed ? `revoked "${name}"; its key stops working within PARTNER_CACHE_TTL\n` : `"${name}" was already revoked\n`,
    );
  } else if (command === 'list') {
    const partners = await listPartners(models);
    if (!partners.length) process.stdout.write('no partners registered\n');
    for (const p of partners) {
      const state = p.revokedAt ? `revoked ${p.revokedAt.toISOString()}` : 'active';
      process.stdout.write(`${p.name}\t${state}\t${p.operations.length} operation(s)\n`);
    }
  } else {
    const rows = await usageReport(models, { partner: name, since });
    if (!rows.length) process.stdout.write('no usage recorded (the gateway writes counts every PARTNER_USAGE_FLUSH)\n');
    for (const r of rows) {
      process.stdout.write(
        `${r.partner}\t${r.operationName}\t${r.requests} request(s)\t${r.failures} with errors\tlast ${r.lastSeen.toISOString()}\n`,
      );
    }
  }
} catch (err) {
  if (err instanceof PartnerError) fail(err.message);
  throw err;
} finally {
  await conn.close();
}
