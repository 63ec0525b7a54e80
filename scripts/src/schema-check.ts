/**
 * `npm run schema:check [-- --root <dir>]`: the breaking-change guard, run by CI. Composes the
 * supergraph from the subgraph SDLs and validates against its API schema every operation clients depend
 * on: the partner safelist as committed (partners send those exact bodies by id and cannot follow a
 * rename) and the first-party operations in schema/operations/*.graphql. Validates every
 * service-to-service operation (`<caller>/src/operations/<target>.graphql` under subgraphs/ and workers/)
 * against the SDL of the subgraph it calls, internal fields included, as codegen types it. Then checks
 * that the committed manifest is what `npm run pq:manifest` makes of schema/operations/partner. Exit 1 on
 * any failure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildASTSchema,
  concatAST,
  getLocation,
  parse,
  Source,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { loadConfig as loadGatewayConfig, queryLimits } from '@shop/gateway';
import { ROOT } from '@shop/harness';
import { compose, subgraphSdlPath } from './composition.js';
import {
  buildManifest,
  collectDefinitions,
  firstPartyOperations,
  operationDocument,
  partnerManifestPath,
  partnerOperationsDir,
  readManifest,
  readOperationFiles,
  serializeManifest,
  storefrontOperations,
  type Manifest,
  type OperationFile,
} from './persisted-queries.js';
import { SUBGRAPHS } from './subgraphs.js';

const { values } = parseArgs({ options: { root: { type: 'string', default: ROOT } } });
const root = resolve(values.root);
const manifestPath = partnerManifestPath(root);
const manifestFile = relative(root, manifestPath);
const partnerDir = relative(root, partnerOperationsDir(root));
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Client operations count against the composed API schema, service operations against their target subgraph. */
const counts = { client: { valid: 0, invalid: 0 }, service: { valid: 0, invalid: 0 } };
const problems: string[] = [];

/** Where an error points: `file:line:column` per node (fragments may live in another file). */
function located(error: GraphQLError): string {
  const places = (error.nodes ?? []).flatMap((node) => {
    if (!node.loc) return [];
    const { line, column } = getLocation(node.loc.source, node.loc.start);
    return [`${node.loc.source.name}:${line}:${column}`];
  });
  if (!places.length && error.locations) places.push(...error.locations.map((l) => `${error.source?.name ?? '?'}:${l.line}:${l.column}`));
  return places.length ? `${error.message} (${places.join(', ')})` : error.message;
}

function report(name: string, errors: string[], kind: keyof typeof counts = 'client'): void {
  if (errors.length) {
    counts[kind].invalid++;
    out(`  ✗ ${name}: ${errors.join('; ')}`);
  } else {
    counts[kind].valid++;
    out(`  ✓ ${name}`);
  }
}

/**
 * The gateway's query limits with their default settings (depth, cost, aliases, directives): a
 * persisted operation the gateway would refuse is as broken as one that no longer validates.
 */
const gatewayDefaults = loadGatewayConfig({ APOLLO_TELEMETRY_DISABLED: '1' });
const limitRules = queryLimits(gatewayDefaults, true).validationRules;

function validateDocument(schema: GraphQLSchema, document: DocumentNode): string[] {
  return validate(schema, document, [...specifiedRules, ...limitRules]).map(located);
}

/** (1) The bodies partners send, exactly as committed. */
function checkManifest(schema: GraphQLSchema): Manifest | undefined {
  out(`partner manifest ${manifestFile}:`);
  let manifest: Manifest;
  try {
    manifest = readManifest(manifestPath);
  } catch (err) {
    problems.push(`${err instanceof Error ? err.message : String(err)}\n  (run npm run pq:manifest)`);
    return undefined;
  }
  for (const op of manifest.operations) {
    let document: DocumentNode;
    try {
      document = parse(new Source(op.body, `${op.name} body`), { maxTokens: gatewayDefaults.MAX_TOKENS });
    } catch (err) {
      report(op.name, [err instanceof Error ? err.message : String(err)]);
      continue;
    }
    report(op.name, validateDocument(schema, document));
  }
  return manifest;
}

/**
 * (2) The operations of the first-party apps and tests, each with the fragments it uses: the tests'
 * schema/operations and the storefront's storefront/src/graphql (each its own namespace, as codegen
 * types them), with the gateway's limits like the partner bodies.
 */
function checkFirstParty(schema: GraphQLSchema, title: string, files: () => OperationFile[]): void {
  out(`${title}:`);
  let definitions: ReturnType<typeof collectDefinitions>;
  try {
    definitions = collectDefinitions(files());
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return;
  }
  problems.push(...definitions.problems);
  for (const { name, file, node } of definitions.operations) {
    const { document, missing } = operationDocument(node, definitions.fragments);
    const errors = missing.length ? missing.map((f) => `Unknown fragment "${f}".`) : validateDocument(schema, document);
    report(`${name} (${file})`, errors);
  }
}

/** Where services keep the operations they send to a subgraph: `<group>/<service>/src/operations/<target>.graphql`. */
const SERVICE_GROUPS = ['subgraphs', 'workers'];

/** Every service's operations directory, relative to `root`. */
function serviceOperationDirs(): string[] {
  return SERVICE_GROUPS.flatMap((group) => {
    const dir = join(root, group);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(group, e.name, 'src', 'operations'))
      .filter((ops) => existsSync(join(root, ops)))
      .sort();
  });
}

/**
 * A subgraph's own schema, as its SDL declares it (internal `@inaccessible` fields included), with the
 * Federation directive definitions codegen uses: the schema these calls are typed against.
 */
function subgraphSchema(name: string): GraphQLSchema {
  const federation = parse(readFileSync(join(root, 'schema', 'codegen', 'federation.graphql'), 'utf8'));
  return buildASTSchema(concatAST([federation, parse(readFileSync(subgraphSdlPath(name, root), 'utf8'))]));
}

/**
 * (3) The operations one service sends another: each file is named after the subgraph it calls, whose
 * SDL (not the composed API) is what answers them, since services call subgraphs directly.
 */
function checkServiceOperations(): void {
  out('service-to-service operations <service>/src/operations/<subgraph>.graphql, against that subgraph:');
  const known = new Set<string>(SUBGRAPHS.map((s) => s.name));
  const schemas = new Map<string, GraphQLSchema>();
  for (const dir of serviceOperationDirs()) {
    let files: ReturnType<typeof readOperationFiles>;
    try {
      files = readOperationFiles(join(root, dir), root);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      continue;
    }
    for (const file of files) {
      const target = basename(file.file, '.graphql');
      if (!known.has(target)) {
        problems.push(`${file.file}: names no subgraph (the file is named after the subgraph it calls: ${[...known].join(', ')})`);
        continue;
      }
      let schema = schemas.get(target);
      if (!schema) schemas.set(target, (schema = subgraphSchema(target)));
      // One file is one codegen document set: its operations and fragments share a namespace.
      const definitions = collectDefinitions([file]);
      problems.push(...definitions.problems);
      if (!definitions.operations.length && !definitions.problems.length) problems.push(`${file.file}: no operations`);
      for (const { name, node } of definitions.operations) {
        const { document, missing } = operationDocument(node, definitions.fragments);
        const errors = missing.length ? missing.map((f) => `Unknown fragment "${f}".`) : validate(schema, document).map(located);
        report(`${name} (${file.file} → ${target})`, errors, 'service');
      }
    }
  }
}

/** (4) A stale manifest would make partners' ids drift from the .graphql files reviewers read. */
function checkManifestIsCurrent(committed: Manifest | undefined): boolean {
  let built: Manifest;
  try {
    built = buildManifest(partnerOperationsDir(root));
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return false;
  }
  if (!committed) return false;
  if (readFileSync(manifestPath, 'utf8') === serializeManifest(built)) {
    out(`✓ ${manifestFile} is what npm run pq:manifest makes of ${partnerDir}`);
    return true;
  }
  const before = new Map(committed.operations.map((op) => [op.name, op.id]));
  const after = new Map(built.operations.map((op) => [op.name, op.id]));
  const changes = [
    ...[...after.keys()].filter((n) => !before.has(n)).map((n) => `${n} added`),
    ...[...before.keys()].filter((n) => !after.has(n)).map((n) => `${n} removed`),
    ...[...after].filter(([n, id]) => before.has(n) && before.get(n) !== id).map(([n]) => `${n} changed`),
  ];
  const what = changes.length ? changes.join(', ') : 'formatting or order differs';
  problems.push(`${manifestFile} is stale (${what} in ${partnerDir}): run npm run pq:manifest and commit the result`);
  return false;
}

let schema: GraphQLSchema;
try {
  schema = compose(root).apiSchema;
} catch (err) {
  process.stderr.write(`✗ ${err instanceof Error ? err.message : String(err)}\n`);
  process.stderr.write('schema check failed: the subgraphs do not compose\n');
  process.exit(1);
}
const committed = checkManifest(schema);
checkFirstParty(schema, 'first-party operations schema/operations/*.graphql', () => firstPartyOperations(root));
checkFirstParty(schema, 'storefront operations storefront/src/graphql/*.graphql', () => storefrontOperations(root));
checkServiceOperations();
const current = checkManifestIsCurrent(committed);

const { client, service } = counts;
const summary =
  `${client.valid} client operations valid, ${client.invalid} invalid against the composed API schema; ` +
  `${service.valid} service-to-service operations valid, ${service.invalid} invalid against their subgraph; ` +
  `partner manifest ${current ? 'current' : 'not current'}`;
if (client.invalid || service.invalid || problems.length) {
  for (const problem of problems) process.stderr.write(`✗ ${problem}\n`);
  process.stderr.write(`schema check failed: ${summary}\n`);
  process.exitCode = 1;
} else {
  out(`schema check passed: ${summary}`);
}
