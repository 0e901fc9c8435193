import type { PGlite } from "@electric-sql/pglite";

/**
 * A change counter for the fuzz database only: a row trigger on every table bumps a per-table count in the same
 * transaction as the write, so a rolled-back write leaves the count alone and a committed one does not. Audit
 * rows are counted per action, so an allowed action can be told from any other. Reading it is one small query.
 */
export async function installChangeCounter(pglite: PGlite) {
  await pglite.exec(`
    create table fuzz_changes (key text primary key, n bigint not null);
    create function fuzz_count_change() returns trigger language plpgsql as $$
    declare k text := tg_table_name;
    begin
      if tg_table_name = 'audit_events' and tg_op = 'INSERT' then k := k || ':' || new.action; end if;
      insert into fuzz_changes values (k, 1) on conflict (key) do update set n = fuzz_changes.n + 1;
      return null;
    end $$;
    do $$ declare t record; begin
      for t in select tablename from pg_tables where schemaname = 'public' and tablename <> 'fuzz_changes' loop
        execute format(
          'create trigger fuzz_count_change after insert or update or delete on %I for each row execute function fuzz_count_change()',
          t.tablename);
      end loop;
    end $$;
  `);
}

export type ChangeSnapshot = Map<string, number>;

export async function changeSnapshot(pglite: PGlite): Promise<ChangeSnapshot> {
  const { rows } = await pglite.query<{ key: string; n: string }>("select key, n::text as n from fuzz_changes");
  return new Map(rows.map((row) => [row.key, Number(row.n)]));
}

/** Tables (or `audit_events:<action>`) whose count moved between two snapshots, minus the allowed ones. */
export function changedBetween(before: ChangeSnapshot, after: ChangeSnapshot, allowed: ReadonlySet<string>): string[] {
  return [...after]
    .filter(([key, n]) => n !== (before.get(key) ?? 0) && !allowed.has(key))
    .map(([key, n]) => `${key} (+${n - (before.get(key) ?? 0)})`);
}
