/**
 * The SQL that makes FerretDB's pushed-down equality filters index-served (docs/platform.md §1).
 *
 * FerretDB v1.24 on PostgreSQL turns `{ field: value }` into `_jsonb -> 'field' @> '<value>'` but builds
 * its indexes as btree on `(_jsonb -> 'field')`, which cannot answer `@>`: every read is a sequential
 * scan. This event trigger gives every btree index FerretDB creates a GIN "twin" per key column on the
 * same expression (`jsonb_path_ops`, which serves `@>`), in FerretDB's filter form: `-> 'a'` for a
 * top-level key, `#> '{a,b}'` for a dotted one. FerretDB binds the key as a parameter, so the
 * expression matches the index only in a custom plan: the cluster runs with
 * `plan_cache_mode = force_custom_plan` (postgres.ts).
 *
 * Idempotent: the twin's name is a hash of its table and expression, created with IF NOT EXISTS, and
 * GIN indexes are skipped (the trigger sees its own CREATE INDEX). A twin outlives a dropped FerretDB
 * index until its table is dropped; that costs writes, never answers.
 */
export const GIN_TWINS_SQL = String.raw`
CREATE OR REPLACE FUNCTION shop_gin_twins() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
  am text;
  tbl regclass;
  ncols int;
  expr text;
  parts text[];
  target text;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    SELECT a.amname, i.indrelid::regclass, i.indnkeyatts INTO am, tbl, ncols
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
      WHERE i.indexrelid = cmd.objid;
    CONTINUE WHEN am IS DISTINCT FROM 'btree';
    FOR k IN 1..ncols LOOP
      expr := pg_get_indexdef(cmd.objid, k, false);
      -- only FerretDB's key expressions: _jsonb -> 'a'::text [-> 'b'::text …], in any parentheses
      CONTINUE WHEN regexp_replace(regexp_replace(expr, '''(?:[^'']|'''')*''::text', 'K', 'g'), '[() ]', '', 'g') !~ '^_jsonb(->K)+$';
      SELECT array_agg(replace(m[1], '''''', '''') ORDER BY n) INTO parts
        FROM regexp_matches(expr, '''((?:[^'']|'''')*)''::text', 'g') WITH ORDINALITY AS r(m, n);
      target := CASE WHEN cardinality(parts) = 1 THEN format('(_jsonb -> %L::text)', parts[1])
                     ELSE format('(_jsonb #> %L::text[])', parts) END;
      EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s jsonb_path_ops) WITH (fastupdate = off)',
        'gin_' || left(md5(tbl::text || target), 24), tbl, target);
    END LOOP;
  END LOOP;
END
$fn$;
DROP EVENT TRIGGER IF EXISTS shop_gin_twins;
CREATE EVENT TRIGGER shop_gin_twins ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION shop_gin_twins();
`;
