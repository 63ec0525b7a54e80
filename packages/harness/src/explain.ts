/** What FerretDB does with one `find`: pushed down or not, and how PostgreSQL runs the SQL underneath. */
export interface FindPlan {
  /** FerretDB sent the filter to the backend (`filterPushdown`); otherwise it scans and filters in Go. */
  pushdown: boolean;
  /** The backend plan's node types, outermost first (`Bitmap Heap Scan`, `Bitmap Index Scan`, `Seq Scan`, …). */
  nodes: string[];
  /** The indexes the plan reads (PostgreSQL's names; the GIN twins are `gin_…`). */
  indexes: string[];
  /** Pushed down and answered through an index, with no sequential scan anywhere in the plan. */
  indexServed: boolean;
}

/** The part of a MongoDB driver `Db` this needs (mongoose's `connection.db` is one). */
export interface CommandRunner {
  command(command: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const INDEX_NODES = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

function walk(plan: unknown, into: { nodes: string[]; indexes: string[] }): void {
  if (!plan || typeof plan !== 'object') return;
  const node = plan as Record<string, unknown>;
  if (typeof node['Node Type'] === 'string') into.nodes.push(node['Node Type']);
  if (typeof node['Index Name'] === 'string') into.indexes.push(node['Index Name']);
  if (Array.isArray(node.Plans)) for (const child of node.Plans) walk(child, into);
}

/**
 * Runs `explain` of a `find` through the driver against FerretDB and reads its answer. FerretDB v1.24
 * answers with `filterPushdown` and, on PostgreSQL, the `EXPLAIN (FORMAT JSON)` plan of its SQL under
 * `queryPlanner.Plan`; on SQLite (or MongoDB) there is no such plan and `indexServed` is false.
 */
export async function explainFind(db: CommandRunner, collection: string, filter: Record<string, unknown>): Promise<FindPlan> {
  const answer = await db.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' });
  if (typeof answer.filterPushdown !== 'boolean') {
    throw new Error(`explain of ${collection} has no filterPushdown (not FerretDB?): ${JSON.stringify(answer).slice(0, 300)}`);
  }
  const found = { nodes: [] as string[], indexes: [] as string[] };
  walk((answer.queryPlanner as Record<string, unknown> | undefined)?.Plan, found);
  const indexServed = answer.filterPushdown && found.nodes.some((n) => INDEX_NODES.has(n)) && !found.nodes.includes('Seq Scan');
  return { pushdown: answer.filterPushdown, ...found, indexServed };
}
