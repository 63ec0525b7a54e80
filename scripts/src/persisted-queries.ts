/**
 * The partner safelist as an Apollo persisted-query manifest, the format of
 * `@apollo/generate-persisted-query-manifest` (which only scans Apollo Client sources, hence this script).
 * `npm run pq:manifest [-- --root <dir>]` writes schema/persisted-queries/partner.json from
 * schema/operations/partner/*.graphql and prints `id  name` per operation. The gateway serves the bodies
 * by id; `npm run schema:check` fails when the file is stale or an operation no longer validates.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  getLocation,
  Kind,
  OperationTypeNode,
  parse,
  print,
  Source,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { z } from 'zod';
import { ROOT } from '@shop/harness';
import { manifestSchema, type Manifest, type PersistedOperation } from '@shop/gateway';

export const partnerOperationsDir = (root = ROOT) => join(root, 'schema', 'operations', 'partner');
export const partnerManifestPath = (root = ROOT) => join(root, 'schema', 'persisted-queries', 'partner.json');
export const PARTNER_MANIFEST_PATH = partnerManifestPath();

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export type { Manifest, PersistedOperation };

/** The committed form: what `pq:manifest` writes and `schema:check` compares byte for byte. */
export const serializeManifest = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/** Reads and validates a manifest; the message names the file and every problem. */
export function readManifest(path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${display(path)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) throw new Error(`${display(path)} is not a valid persisted-query manifest:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** A parsed .graphql file; `file` names it in messages (relative to the repository root where possible). */
export interface OperationFile {
  file: string;
  document: DocumentNode;
}

/** Every `*.graphql` file directly in `dir`, sorted by name, parsed with locations for messages. */
export function readOperationFiles(dir: string, base?: string): OperationFile[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.graphql'))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw new Error(`cannot read ${display(dir)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return names.map((name) => {
    const path = join(dir, name);
    const file = base ? relative(base, path) : display(path);
    try {
      return { file, document: parse(new Source(readFileSync(path, 'utf8'), file)) };
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });
}

/** The first-party operations: schema/operations/*.graphql, without the partner folder. */
export function firstPartyOperations(root = ROOT): OperationFile[] {
  return readOperationFiles(join(root, 'schema', 'operations'), root);
}

/** Where the storefront (storefront/) keeps the operations it sends the gateway; one codegen document set. */
export const storefrontOperationsDir = (root = ROOT) => join(root, 'storefront', 'src', 'graphql');

export function storefrontOperations(root = ROOT): OperationFile[] {
  return readOperationFiles(storefrontOperationsDir(root), root);
}

/** The operations and fragments of a set of files, which share one namespace as they do for codegen. */
export interface Definitions {
  operations: { name: string; file: string; node: OperationDefinitionNode }[];
  fragments: Map<string, FragmentDefinitionNode>;
  /** Anonymous operations, duplicate names, definitions that are not operations or fragments. */
  problems: string[];
}

export function collectDefinitions(files: OperationFile[]): Definitions {
  const operations: Definitions['operations'] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { file, document } of files) {
    for (const def of document.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION && def.kind !== Kind.FRAGMENT_DEFINITION) {
        problems.push(`${at(def)}: only operations and fragments belong here, not a ${def.kind}`);
        continue;
      }
      const name = def.name?.value;
      if (!name) {
        problems.push(
          `${at(def)}: anonymous ${def.kind === Kind.OPERATION_DEFINITION ? def.operation : 'definition'}; name every operation`,
        );
        continue;
      }
      const key = `${def.kind === Kind.FRAGMENT_DEFINITION ? 'fragment' : 'operation'} ${name}`;
      const first = seen.get(key);
      if (first) {
        problems.push(`${at(def)}: duplicate ${key}, already defined at ${first}`);
        continue;
      }
      seen.set(key, at(def));
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(name, def);
      else operations.push({ name, file, node: def });
    }
  }
  operations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { operations, fragments, problems };
}

/**
 * A document that stands alone: the operation, then every fragment it uses (transitively) sorted by
 * name. `missing` lists spreads of fragments that are not defined.
 */
export function operationDocument(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): { document: DocumentNode; missing: string[] } {
  const used = new Map<string, FragmentDefinitionNode>();
  const missing = new Set<string>();
  const walk = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name) || missing.has(name)) return;
        const fragment = fragments.get(name);
        if (fragment) {
          used.set(name, fragment);
          walk(fragment);
        } else {
          missing.add(name);
        }
      },
    });
  walk(operation);
  const sorted = [...used.keys()].sort().map((name) => used.get(name)!);
  return { document: { kind: Kind.DOCUMENT, definitions: [operation, ...sorted] }, missing: [...missing].sort() };
}

/**
 * The partner manifest of the `*.graphql` files in `dir`. Refuses anonymous operations, duplicate names,
 * unknown fragments and anything but queries (partners only read). The body is `print()` of the
 * operation and its fragments: the exact string a partner's id is the sha256 of.
 */
export function buildManifest(dir: string): Manifest {
  const { operations, fragments, problems } = collectDefinitions(readOperationFiles(dir));
  const built: PersistedOperation[] = [];
  for (const { name, node } of operations) {
    if (node.operation !== OperationTypeNode.QUERY)
      problems.push(`${at(node)}: ${name} is a ${node.operation}; partner operations only read (query)`);
    const { document, missing } = operationDocument(node, fragments);
    for (const fragment of missing)
      problems.push(`${at(node)}: ${name} uses fragment ${fragment}, which is not defined in ${display(dir)}`);
    const body = print(document);
    built.push({ id: sha256(body), name, type: `${node.operation}`, body });
  }
  if (!operations.length && !problems.length) problems.push(`no operations in ${display(dir)}/*.graphql`);
  if (problems.length) throw new Error(`cannot build the manifest of ${display(dir)}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { format: 'apollo-persisted-query-manifest', version: 1, operations: built };
}

/** A path relative to the repository root, or as it is when it lies elsewhere (a copy under --root). */
function display(path: string): string {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `file:line:column` of a definition, from the source it was parsed from. */
function at(node: ASTNode): string {
  if (!node.loc) return '?';
  const { line, column } = getLocation(node.loc.source, node.loc.start);
  return `${node.loc.source.name}:${line}:${column}`;
}

function main(): void {
  const { values } = parseArgs({ options: { root: { type: 'string', default: ROOT } } });
  const root = resolve(values.root);
  const manifest = buildManifest(partnerOperationsDir(root));
  const path = partnerManifestPath(root);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeManifest(manifest));
  for (const op of manifest.operations) process.stdout.write(`${op.id}  ${op.name}\n`);
  process.stderr.write(`wrote ${display(path)} (${manifest.operations.length} operations)\n`);
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`✗ ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
