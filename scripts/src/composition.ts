import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse, printSchema, type GraphQLSchema } from 'graphql';
import { ROOT } from '@shop/harness';
import { defaultUrl, SUBGRAPHS } from './subgraphs.js';

export interface Composed {
  supergraphSdl: string;
  apiSchema: GraphQLSchema;
  apiSdl: string;
  hints: string[];
}

export function subgraphSdlPath(name: string, root = ROOT): string {
  return join(root, 'subgraphs', name, 'src', 'schema.graphql');
}

/** Composes every subgraph's SDL into the supergraph (default local URLs) and the client-facing API schema. */
export function compose(root = ROOT): Composed {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({ name: s.name, url: defaultUrl(s.port), typeDefs: parse(readFileSync(subgraphSdlPath(s.name, root), 'utf8')) })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema();
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchema,
    apiSdl: `${printSchema(apiSchema)}\n`,
    hints: result.hints.map((h) => h.toString()),
  };
}
