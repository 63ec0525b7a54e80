/**
 * `npm run compose`: writes schema/supergraph.graphql and schema/api.graphql from the subgraph SDLs.
 * `npm run compose -- --check`: fails when composition fails, when the committed files are stale, or
 * when the API schema lacks a part of contract.graphql that a subgraph owns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@shop/harness';
import { compose } from './composition.js';
import { contractGaps } from './contract.js';

const check = process.argv.includes('--check');
const files = { supergraph: join(ROOT, 'schema', 'supergraph.graphql'), api: join(ROOT, 'schema', 'api.graphql') };

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

try {
  const composed = compose();
  for (const hint of composed.hints) process.stderr.write(`hint: ${hint}\n`);
  const problems: string[] = [];
  if (check) {
    if (read(files.supergraph) !== composed.supergraphSdl) problems.push('schema/supergraph.graphql is stale: run npm run compose');
    if (read(files.api) !== composed.apiSdl) problems.push('schema/api.graphql is stale: run npm run compose');
  } else {
    writeFileSync(files.supergraph, composed.supergraphSdl);
    writeFileSync(files.api, composed.apiSdl);
    process.stdout.write('wrote schema/supergraph.graphql and schema/api.graphql\n');
  }
  problems.push(...contractGaps(composed.apiSchema));
  if (problems.length) {
    process.stderr.write(`${problems.map((p) => `✗ ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('composition ok; the API schema covers every type and field of the public contract\n');
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
