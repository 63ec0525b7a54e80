import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runScript } from '@shop/harness';
import { partnerCall, startStack, type Stack } from './support/stack.js';

/** `npm run partner` as its own process against the gateway's database, and its keys at the gateway. */
let stack: Stack;
const partner = (...args: string[]) =>
  runScript('scripts/src/partner.ts', args, {
    env: { MONGODB_URL: stack.gatewayEnv.MONGODB_URL, MONGODB_DB: stack.gatewayEnv.MONGODB_DB },
  });

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
});
afterAll(() => stack?.close());

describe('npm run partner', () => {
  it('adds a partner with named operations, prints the key once and stores only its hash', async () => {
    const added = await partner('add', 'wonka', '--ops', 'PartnerProducts,PartnerCategories');
    expect(added.code).toBe(0);
    const key = /^(shp_[A-Za-z0-9_-]{43})$/m.exec(added.stdout)?.[1];
    expect(key).toBeDefined();
    expect(added.stdout).toContain(stack.partnerOps.PartnerProducts);
    const stored = await stack.partners.Partner.findOne({ name: 'wonka' }).lean();
    expect(stored?._id).toBe(createHash('sha256').update(key!).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(key);
    const ok = await partnerCall(stack.gatewayUrl, key!, { id: stack.partnerOps.PartnerCategories! });
    expect(ok.status).toBe(200);
    const notGranted = await partnerCall(stack.gatewayUrl, key!, { id: stack.partnerOps.PartnerProduct!, variables: { slug: 'x' } });
    expect(notGranted.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_GRANTED');
  });

  it('grants every safelisted operation with --ops all, by id too', async () => {
    const all = await partner('add', 'oompa', '--ops', 'all');
    expect(all.code).toBe(0);
    for (const id of Object.values(stack.partnerOps)) expect(all.stdout).toContain(id);
    const byId = await partner('add', 'loompa', '--ops', stack.partnerOps.PartnerProduct!);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('1 operation(s)');
  });

  it('revokes: the key stops working, list shows it, and a second revoke says so', async () => {
    const added = await partner('add', 'slugworth', '--ops', 'all');
    const key = /^(shp_\S+)$/m.exec(added.stdout)![1]!;
    expect((await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerCategories! })).status).toBe(200);
    const revoked = await partner('revoke', 'slugworth');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked "slugworth"/);
    const after = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerCategories! });
    expect(after.status).toBe(401);
    expect((await partner('revoke', 'slugworth')).stdout).toMatch(/already revoked/);
    const list = await partner('list');
    expect(list.stdout).toMatch(/^slugworth\trevoked /m);
    expect(list.stdout).toMatch(/^wonka\tactive\t2 operation\(s\)$/m);
  });

  it('reports usage per partner and operation', async () => {
    const key = /^(shp_\S+)$/m.exec((await partner('add', 'bucket', '--ops', 'all')).stdout)![1]!;
    for (let i = 0; i < 2; i++) await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerCategories! });
    await stack.flushUsage();
    const usage = await partner('usage', 'bucket');
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/^bucket\tPartnerCategories\t2 request\(s\)\t0 with errors/m);
  });

  it('refuses bad input with a clear message and a non-zero exit, changing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['add', 'nosy'], /needs --ops/],
      [['add', 'nosy', '--ops', 'DropEverything'], /not in the partner safelist: DropEverything/],
      [['add', 'Nosy Parker', '--ops', 'all'], /not a valid partner name/],
      [['add', 'wonka', '--ops', 'all'], /already exists/],
      [['revoke', 'nobody'], /no partner named "nobody"/],
      [['usage', '--since', 'yesterday-ish'], /is not a date/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const r = await partner(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(await stack.partners.Partner.countDocuments({ name: { $in: ['nosy', 'Nosy Parker', 'nobody'] } })).toBe(0);
  });
});
