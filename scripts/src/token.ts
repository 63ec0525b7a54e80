/**
 * `npm run token -- --sub alice --role admin [--ttl 43200]`: prints an access token for the gateway.
 * By default it asks the identity sandbox `npm start` runs (`--identity`, else IDENTITY_URL, else
 * http://127.0.0.1:4022) through its development mint route (loopback only, absent in production): an
 * RS256 token the gateway verifies through the sandbox's JWKS like any signed-in user's.
 * `--hs256` prints the older HS256 token signed with the gateway's JWT_SECRET instead, for a gateway
 * started without JWKS_URL; refused when JWKS_URL is set.
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@shop/kit';
import { loadConfig, signDevToken } from '@shop/gateway';
import { DEFAULT_IDENTITY_URL, mintDevToken } from '@shop/identity-sandbox';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    role: { type: 'string', multiple: true },
    ttl: { type: 'string', default: '43200' },
    identity: { type: 'string' },
    hs256: { type: 'boolean', default: false },
  },
});
const usage = 'usage: npm run token -- --sub <id> --role <customer|admin> [--role …] [--ttl <seconds>] [--identity <url> | --hs256]';
function fail(message: string): never {
  process.stderr.write(`${usage}\n${message}\n`);
  process.exit(2);
}
if (!values.sub || !/^[\w.@:-]{1,200}$/.test(values.sub)) fail('--sub is required (letters, digits, . _ @ : -)');
const roles = values.role ?? ['customer'];
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (unknown.length) fail(`unknown role(s): ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86_400) fail('--ttl must be 60..2592000 seconds');
const identity = values.identity ?? process.env.IDENTITY_URL ?? DEFAULT_IDENTITY_URL;
if (!URL.canParse(identity)) fail(`--identity / IDENTITY_URL must be a URL, got "${identity}"`);

async function token(): Promise<string> {
  if (!values.hs256) return mintDevToken(identity, { sub: values.sub!, roles: roles as Role[], ttlSeconds: ttl });
  const config = loadConfig({ ...process.env, APOLLO_TELEMETRY_DISABLED: '1' });
  if (config.JWKS_URL) throw new Error('JWKS_URL is set: that gateway accepts only identity-provider tokens; drop --hs256');
  return signDevToken(config.JWT_SECRET, values.sub!, roles as Role[], ttl);
}
try {
  process.stdout.write(`${await token()}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
