import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The partner safelist: an Apollo persisted-query manifest (`schema/persisted-queries/partner.json`). */
export const DEFAULT_MANIFEST = new URL('../../../schema/persisted-queries/partner.json', import.meta.url);

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export type PersistedOperation = z.infer<typeof manifestSchema>['operations'][number];

export interface Safelist {
  byId: ReadonlyMap<string, PersistedOperation>;
  /** Resolves `all` or a list of ids/names to ids; throws naming what is unknown. */
  resolve: (ops: readonly string[] | 'all') => string[];
}

export function loadSafelist(path: string | URL = DEFAULT_MANIFEST): Safelist {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the persisted-query manifest ${String(path)}: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid persisted-query manifest ${String(path)}: ${parsed.error.message}`);
  const byId = new Map(parsed.data.operations.map((op) => [op.id, op]));
  const byName = new Map(parsed.data.operations.map((op) => [op.name, op]));
  return {
    byId,
    resolve(ops) {
      if (ops === 'all') return [...byId.keys()];
      const unknown = ops.filter((o) => !byId.has(o) && !byName.has(o));
      if (unknown.length) throw new Error(`not in the partner safelist: ${unknown.join(', ')}`);
      return [...new Set(ops.map((o) => (byId.get(o) ?? byName.get(o))!.id))];
    },
  };
}
