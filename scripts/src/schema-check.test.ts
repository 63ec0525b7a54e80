/**
 * The partner manifest builder, and `npm run schema:check` run for real (a child process, as CI runs it)
 * on a copy of the subgraph SDLs and operations that each test breaks in its own way.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, testTmpDir } from '@shop/harness';
import { buildManifest, PARTNER_MANIFEST_PATH, partnerOperationsDir, readManifest, serializeManifest } from './persisted-queries.js';

const tmpDirs: string[] = [];
afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const dir = testTmpDir(prefix);
  tmpDirs.push(dir);
  return dir;
}

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A directory of .graphql files, for buildManifest. */
function operationsDir(files: Record<string, string>): string {
  const dir = tmp('shop-pq-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Depth as GraphQL Armor counts it without flattenFragments (the stricter way): a fragment spread is a
 * level of its own.
 */
function depth(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, level = 0): number {
  return Math.max(
    level,
    ...set.selections.map((s) => {
      if (s.kind === Kind.FRAGMENT_SPREAD) return depth(fragments.get(s.name.value)!.selectionSet, fragments, level + 1);
      return s.selectionSet ? depth(s.selectionSet, fragments, level + 1) : level + 1;
    }),
  );
}

describe('buildManifest', () => {
  it('yields the committed partner manifest: four reads whose ids are the sha256 of their bodies', () => {
    const committed = readManifest(PARTNER_MANIFEST_PATH);
    expect(readFileSync(PARTNER_MANIFEST_PATH, 'utf8')).toBe(serializeManifest(buildManifest(partnerOperationsDir())));
    expect(committed.format).toBe('apollo-persisted-query-manifest');
    expect(committed.operations.map((op) => [op.name, op.type])).toEqual([
      ['PartnerCategories', 'query'],
      ['PartnerCategory', 'query'],
      ['PartnerProduct', 'query'],
      ['PartnerProducts', 'query'],
    ]);
    for (const op of committed.operations) {
      expect(op.id).toBe(hash(op.body));
      expect(op.body).not.toContain('stockMovements');
      const document = parse(op.body);
      const fragments = new Map(
        document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
      );
      const operation = document.definitions[0]!;
      expect(operation.kind).toBe(Kind.OPERATION_DEFINITION);
      if (operation.kind === Kind.OPERATION_DEFINITION) expect(depth(operation.selectionSet, fragments), op.name).toBeLessThanOrEqual(8);
    }
  });

  it('puts each operation first, then the fragments it uses transitively, sorted by name; operations by name', () => {
    const dir = operationsDir({
      'a.graphql': 'fragment Zed on Product { id ...Alpha }\nfragment Alpha on Product { sku }\nfragment Unused on Product { name }\n',
      'b.graphql': 'query Single { product(id: "1") { ...Zed } }\nquery Plain { categories { slug } }\n',
    });
    const manifest = buildManifest(dir);
    expect(manifest.operations.map((op) => op.name)).toEqual(['Plain', 'Single']);
    const single = manifest.operations[1]!;
    expect(single.body).toBe(
      'query Single {\n  product(id: "1") {\n    ...Zed\n  }\n}\n\n' +
        'fragment Alpha on Product {\n  sku\n}\n\n' +
        'fragment Zed on Product {\n  id\n  ...Alpha\n}',
    );
    expect(single.id).toBe(hash(single.body));
    expect(manifest.operations[0]!.body).toBe('query Plain {\n  categories {\n    slug\n  }\n}');
  });

  it('refuses a partner operation that is not a query', () => {
    const dir = operationsDir({ 'a.graphql': 'mutation Archive { archiveProduct(id: "1") { userErrors { code } } }\n' });
    expect(() => buildManifest(dir)).toThrow(/Archive is a mutation; partner operations only read/);
  });

  it('refuses the same operation name in two files, naming both places', () => {
    const dir = operationsDir({
      'a.graphql': 'query Twice { categories { slug } }\n',
      'b.graphql': 'query Twice { categories { name } }\n',
    });
    expect(() => buildManifest(dir)).toThrow(/b\.graphql:1:1: duplicate operation Twice, already defined at .*a\.graphql:1:1/);
  });

  it('refuses anonymous operations and spreads of unknown fragments', () => {
    const dir = operationsDir({ 'a.graphql': '{ categories { slug } }\nquery Named { categories { ...Missing } }\n' });
    expect(() => buildManifest(dir)).toThrow(/anonymous query[\s\S]*Named uses fragment Missing, which is not defined/);
  });

  it('reads only a manifest whose ids are the sha256 of their bodies', () => {
    const manifest = buildManifest(operationsDir({ 'a.graphql': 'query One { categories { slug } }\n' }));
    const path = join(tmp('shop-pq-'), 'partner.json');
    writeFileSync(path, serializeManifest(manifest));
    expect(readManifest(path)).toEqual(manifest);
    const tampered = { ...manifest, operations: manifest.operations.map((op) => ({ ...op, body: op.body.replace('slug', 'name') })) };
    writeFileSync(path, serializeManifest(tampered));
    expect(() => readManifest(path)).toThrow(/not the sha256 of the body of One/);
  });
});

describe('npm run schema:check', () => {
  /** The parts of the repository the check reads, copied so a test can break them. */
  function copyOfRepo(): string {
    const dir = tmp('shop-schema-check-');
    for (const name of readdirSync(join(ROOT, 'subgraphs'))) {
      const sdl = join('subgraphs', name, 'src', 'schema.graphql');
      if (!existsSync(join(ROOT, sdl))) continue;
      mkdirSync(dirname(join(dir, sdl)), { recursive: true });
      cpSync(join(ROOT, sdl), join(dir, sdl));
    }
    for (const part of ['schema/operations', 'schema/persisted-queries', 'schema/codegen', 'storefront/src/graphql']) {
      cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    }
    for (const group of ['subgraphs', 'workers']) {
      for (const name of readdirSync(join(ROOT, group))) {
        const ops = join(group, name, 'src', 'operations');
        if (existsSync(join(ROOT, ops))) cpSync(join(ROOT, ops), join(dir, ops), { recursive: true });
      }
    }
    return dir;
  }

  function edit(path: string, change: (text: string) => string): void {
    const before = readFileSync(path, 'utf8');
    const after = change(before);
    expect(after, `the edit of ${path} changed nothing`).not.toBe(before);
    writeFileSync(path, after);
  }

  function schemaCheck(root: string): { status: number | null; output: string } {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=shop-source', 'scripts/src/schema-check.ts', '--root', root],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1' } },
    );
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('passes on the repository as committed', () => {
    const { status, output } = schemaCheck(copyOfRepo());
    expect(output).toContain('✓ PartnerProducts\n');
    expect(output).toContain('✓ Products (schema/operations/product.graphql)');
    expect(output).toContain('✓ Catalog (storefront/src/graphql/catalog.graphql)');
    expect(output).toContain('✓ PayOrder (storefront/src/graphql/order.graphql)');
    // An internal (@inaccessible) field: valid against the product subgraph, not the composed API.
    expect(output).toContain('✓ OrderProductSnapshots (subgraphs/order/src/operations/product.graphql → product)');
    expect(output).toContain('✓ MessagingOrderContact (workers/messaging/src/operations/order.graphql → order)');
    expect(output).toMatch(
      /schema check passed: \d+ client operations valid, 0 invalid .*; [1-9]\d* service-to-service operations valid, 0 invalid .*partner manifest current/,
    );
    expect(status).toBe(0);
  }, 60_000);

  it('fails and names the partner operations when a field they read is renamed (a change that still composes)', () => {
    const root = copyOfRepo();
    edit(join(root, 'subgraphs/product/src/schema.graphql'), (sdl) =>
      sdl.replace(/(type Product @key\(fields: "id"\) \{[^}]*?)\bsku: String!/, '$1stockKeepingUnit: String!'),
    );
    const { status, output } = schemaCheck(root);
    for (const name of ['PartnerProducts', 'PartnerProduct', 'PartnerCategory']) {
      expect(output).toMatch(new RegExp(`✗ ${name}: Cannot query field "sku" on type "Product"\\.[^\\n]* \\(${name} body:\\d+:\\d+\\)`));
    }
    expect(output).toContain('✓ PartnerCategories\n');
    expect(output).toMatch(/✗ Products \(schema\/operations\/product\.graphql\): Cannot query field "sku" on type "Product"/);
    // The storefront's product page reads sku too: the web shop would break with the partners.
    expect(output).toMatch(/✗ ProductPage \(storefront\/src\/graphql\/catalog\.graphql\): Cannot query field "sku" on type "Product"/);
    expect(output).toContain('✓ Catalog (storefront/src/graphql/catalog.graphql)');
    expect(output).not.toContain('composition failed');
    expect(output).toMatch(/schema check failed: \d+ client operations valid, [1-9]\d* invalid/);
    expect(status).toBe(1);
  }, 60_000);

  it('fails when a partner .graphql changed without regenerating the manifest', () => {
    const root = copyOfRepo();
    edit(join(root, 'schema/operations/partner/catalog.graphql'), (text) =>
      text.replace(/(query PartnerProduct\([^]*?)\n\s+images\n/, '$1\n'),
    );
    const { status, output } = schemaCheck(root);
    expect(output).toContain('✓ PartnerProduct\n');
    expect(output).toContain('schema/persisted-queries/partner.json is stale (PartnerProduct changed in schema/operations/partner)');
    expect(output).toContain('run npm run pq:manifest');
    expect(output).toMatch(/schema check failed: \d+ client operations valid, 0 invalid/);
    expect(status).toBe(1);
  }, 60_000);

  it('fails and names the operation file and field when a subgraph drops an internal field another service reads', () => {
    const root = copyOfRepo();
    // Cart.customerId is @inaccessible: not in the public API, so only the order service's call reads it.
    edit(join(root, 'subgraphs/cart/src/schema.graphql'), (sdl) => sdl.replace(/\n\s*"[^"\n]*"\n\s*customerId: ID @inaccessible/, ''));
    const { status, output } = schemaCheck(root);
    expect(output).not.toContain('composition failed');
    expect(output).toMatch(
      /✗ OrderReadsCart \(subgraphs\/order\/src\/operations\/cart\.graphql → cart\): Cannot query field "customerId" on type "Cart"\. \(subgraphs\/order\/src\/operations\/cart\.graphql:\d+:\d+\)/,
    );
    expect(output).toContain('✓ OrderMarksCart (subgraphs/order/src/operations/cart.graphql → cart)');
    expect(output).toMatch(
      /schema check failed: \d+ client operations valid, 0 invalid .*; \d+ service-to-service operations valid, 1 invalid/,
    );
    expect(status).toBe(1);
  }, 60_000);

  it('fails on a service operation file that names no subgraph', () => {
    const root = copyOfRepo();
    writeFileSync(join(root, 'subgraphs/order/src/operations/inventory.graphql'), 'query OrderReadsStock { products { id } }\n');
    const { status, output } = schemaCheck(root);
    expect(output).toContain('subgraphs/order/src/operations/inventory.graphql: names no subgraph');
    expect(status).toBe(1);
  }, 60_000);

  it("fails when a persisted operation would be refused by the gateway's default limits (here: depth)", () => {
    const root = copyOfRepo();
    // category.parent nested 12 times: valid GraphQL, deeper than the gateway's MAX_DEPTH of 10.
    const deep = Array.from({ length: 12 }).reduce<string>((sel) => `parent { ${sel} }`, 'slug');
    writeFileSync(join(root, 'schema/operations/deep.graphql'), `query TooDeep { category(slug: "tea") { ${deep} } }\n`);
    const { status, output } = schemaCheck(root);
    expect(output).toMatch(/✗ TooDeep \(schema\/operations\/deep\.graphql\): .*Query depth limit of 10 exceeded/);
    expect(status).toBe(1);
  }, 60_000);

  it('fails with the composition errors when the subgraphs do not compose', () => {
    const root = copyOfRepo();
    edit(join(root, 'subgraphs/product/src/schema.graphql'), (sdl) =>
      sdl.replace('type Product @key(fields: "id")', 'type Product @key(fields: "nope")'),
    );
    const { status, output } = schemaCheck(root);
    expect(output).toContain('composition failed');
    expect(output).toContain('schema check failed: the subgraphs do not compose');
    expect(status).toBe(1);
  }, 60_000);
});
