import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  print,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { ROOT } from '@shop/harness';
import { SUBGRAPHS } from './subgraphs.js';

export const CONTRACT_PATH = join(ROOT, 'schema', 'contract.graphql');

/**
 * Owners as contract.graphql marks them: `# ---------- cart ----------` before a section of types,
 * `# [cart]` before root fields, and a field description starting with `[payment]`.
 */
export function contractOwners(source: string): { types: Map<string, string>; rootFields: Map<string, string> } {
  const lines = source.split('\n');
  const ownerAt = (line: number, pattern: RegExp, fallback: string) => {
    for (let i = line - 1; i >= 0; i--) {
      const m = pattern.exec(lines[i]!);
      if (m?.[1]) return m[1];
    }
    return fallback;
  };
  const doc = parse(source);
  const types = new Map<string, string>();
  const rootFields = new Map<string, string>();
  for (const def of doc.definitions) {
    if (!('name' in def) || !def.name || !def.loc) continue;
    const name = def.name.value;
    types.set(name, ownerAt(def.loc.startToken.line, /^# -{3,} (\w+) -{3,}/, 'shared'));
    if ((name === 'Query' || name === 'Mutation') && 'fields' in def) {
      for (const f of def.fields ?? []) {
        rootFields.set(`${name}.${f.name.value}`, ownerAt(f.loc!.startToken.line, /^\s*# \[(\w+)\]/, 'unknown'));
      }
    }
  }
  return { types, rootFields };
}

const fieldOwner = (f: { description?: string | null | undefined }, typeOwner: string) =>
  /^\[(\w+)\]/.exec(f.description ?? '')?.[1] ?? typeOwner;

const argsOf = (f: GraphQLField<unknown, unknown>) =>
  f.args.map((a) => `${a.name}: ${String(a.type)}${a.astNode?.defaultValue ? ` = ${print(a.astNode.defaultValue)}` : ''}`).join(', ');

/** Every gap between the API schema and the part of the contract owned by the subgraphs (scripts/src/subgraphs.ts). */
export function contractGaps(
  api: GraphQLSchema,
  built: readonly string[] = SUBGRAPHS.map((s) => s.name),
  source = readFileSync(CONTRACT_PATH, 'utf8'),
): string[] {
  const contract = buildASTSchema(parse(source));
  const owners = contractOwners(source);
  const gaps: string[] = [];
  const required = new Set<string>();
  const visit = (t: GraphQLNamedType) => {
    if (required.has(t.name) || t.name.startsWith('__')) return;
    required.add(t.name);
    if (isObjectType(t) || isInterfaceType(t)) {
      for (const f of Object.values(t.getFields())) {
        if (!built.includes(fieldOwner(f, owners.types.get(t.name) ?? 'shared'))) continue;
        visit(getNamedType(f.type));
        for (const a of f.args) visit(getNamedType(a.type));
      }
    } else if (isInputObjectType(t)) {
      for (const f of Object.values(t.getFields())) visit(getNamedType(f.type));
    }
  };
  for (const root of [contract.getQueryType(), contract.getMutationType()]) {
    if (!root) continue;
    for (const f of Object.values(root.getFields())) {
      if (!built.includes(owners.rootFields.get(`${root.name}.${f.name}`) ?? 'unknown')) continue;
      const actual = (root.name === 'Query' ? api.getQueryType() : api.getMutationType())?.getFields()[f.name];
      if (!actual) {
        gaps.push(`${root.name}.${f.name} is missing`);
        continue;
      }
      if (String(actual.type) !== String(f.type))
        gaps.push(`${root.name}.${f.name}: ${String(actual.type)}, contract says ${String(f.type)}`);
      if (argsOf(actual) !== argsOf(f) && !argsOf(actual).startsWith(argsOf(f)))
        gaps.push(`${root.name}.${f.name}(${argsOf(actual)}), contract says (${argsOf(f)})`);
      visit(getNamedType(f.type));
      for (const a of f.args) visit(getNamedType(a.type));
    }
  }
  for (const t of Object.values(contract.getTypeMap())) {
    if (built.includes(owners.types.get(t.name) ?? '') && t.name !== 'Query' && t.name !== 'Mutation') visit(t);
  }
  for (const name of [...required].sort()) {
    const want = contract.getType(name)!;
    const have = api.getType(name);
    if (!have) {
      gaps.push(`type ${name} is missing`);
      continue;
    }
    if (have.constructor !== want.constructor) gaps.push(`${name} is a ${have.constructor.name}, contract says ${want.constructor.name}`);
    if (isEnumType(want) && isEnumType(have)) {
      for (const v of want.getValues()) if (!have.getValue(v.name)) gaps.push(`enum value ${name}.${v.name} is missing`);
    }
    if ((isObjectType(want) || isInterfaceType(want)) && (isObjectType(have) || isInterfaceType(have))) {
      for (const f of Object.values(want.getFields())) {
        if (!built.includes(fieldOwner(f, owners.types.get(name) ?? 'shared'))) continue;
        const h = have.getFields()[f.name];
        if (!h) gaps.push(`${name}.${f.name} is missing`);
        else if (String(h.type) !== String(f.type)) gaps.push(`${name}.${f.name}: ${String(h.type)}, contract says ${String(f.type)}`);
        else if (!argsOf(h).startsWith(argsOf(f))) gaps.push(`${name}.${f.name}(${argsOf(h)}), contract says (${argsOf(f)})`);
      }
    }
    if (isInputObjectType(want) && isInputObjectType(have)) {
      for (const f of Object.values(want.getFields())) {
        const h = have.getFields()[f.name];
        if (!h) gaps.push(`${name}.${f.name} is missing`);
        else if (String(h.type) !== String(f.type)) gaps.push(`${name}.${f.name}: ${String(h.type)}, contract says ${String(f.type)}`);
      }
      for (const h of Object.values(have.getFields())) {
        if (!want.getFields()[h.name] && String(h.type).endsWith('!') && h.defaultValue === undefined) {
          gaps.push(`${name}.${h.name} is a new required input field: a breaking change`);
        }
      }
    }
  }
  return gaps;
}
