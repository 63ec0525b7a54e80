/**
 * `npm run token -- --sub alice --role admin [--ttl 12h]`: prints a development JWT (HS256 with the
 * gateway's JWT_SECRET, the development default unless set). Refused when JWKS_URL is set or in
 * production: there tokens come from the identity provider.
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@shop/kit';
import { loadConfig, signDevToken } from '@shop/gateway';

const { values } = parseArgs({
  options: { sub: { type: 'string' }, role: { type: 'string', multiple: true }, ttl: { type: 'string', default: '43200' } },
});
const usage = 'usage: npm run token -- --sub <id> --role <customer|admin> [--role …] [--ttl <seconds>]';
if (!values.sub || !/^[\w.@:-]{1,200}$/.test(values.sub)) {
  process.stderr.write(`${usage}\n--sub is required (letters, digits, . _ @ : -)\n`);
  process.exit(2);
}
const roles = values.role ?? ['customer'];
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (unknown.length) {
  process.stderr.write(`${usage}\nunknown role(s): ${unknown.join(', ')}; roles are ${ROLES.join(', ')}\n`);
  process.exit(2);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86_400) {
  process.stderr.write(`${usage}\n--ttl must be 60..2592000 seconds\n`);
  process.exit(2);
}
const config = loadConfig({ ...process.env, APOLLO_TELEMETRY_DISABLED: '1' });
if (config.JWKS_URL) {
  process.stderr.write('JWKS_URL is set: the gateway accepts only identity-provider tokens, not development ones\n');
  process.exit(2);
}
try {
  process.stdout.write(`${await signDevToken(config.JWT_SECRET, values.sub, roles as Role[], ttl)}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
