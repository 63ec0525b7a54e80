import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The partner safelist: an Apollo persisted-query manifest (`schema/persisted-queries/partner.json`). */
export const DEFAULT_MANIFEST = new URL('../../../schema/persisted-queries/partner.json', import.meta.url);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The Apollo persisted-query manifest format (`@apollo/generate-persisted-query-manifest` 1.x), with what
 * the safelist relies on: each id is exactly the sha256 of its body (partners send only the id), and
 * names are unique (grants may name operations). Shared by the gateway and `pq:manifest` / `schema:check`.
 */
export const manifestSchema = z
  .object({
    format: z.literal('apollo-persisted-query-manifest'),
    version: z.literal(1),
    operations: z.array(
      z.object({
        id: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
        name: z.string().min(1),
        type: z.enum(['query', 'mutation', 'subscription']),
        body: z.string().min(1),
      }),
    ),
  })
  .superRefine((manifest, ctx) => {
    const names = new Set<string>();
    manifest.operations.forEach((op, i) => {
      if (op.id !== sha256(op.body)) {
        ctx.addIssue({ code: 'custom', path: ['operations', i, 'id'], message: `not the sha256 of the body of ${op.name}` });
      }
      if (names.has(op.name)) ctx.addIssue({ code: 'custom', path: ['operations', i, 'name'], message: `${op.name} appears twice` });
      names.add(op.name);
    });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type PersistedOperation = Manifest['operations'][number];

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
  if (!parsed.success) throw new Error(`invalid persisted-query manifest ${String(path)}:\n${z.prettifyError(parsed.error)}`);
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
