/**
 * A schema migration of the chat store. Each backend has its own ordered list (sqlite.ts, pg.ts)
 * with the same versions meaning the same change. A shipped entry is never edited: a change to the
 * schema is a new entry with the next version. The version applied last is recorded in the
 * `schema_version` table (one row per applied version), so opening a store applies what is missing.
 */
export interface Migration {
  /** 1, 2, 3… without gaps. */
  version: number;
  /** A short name for logs and the schema_version table. */
  name: string;
  /** The statements, run in one transaction. */
  sql: string;
}

/** The list must be 1…n in order; a mistake here is a programming error caught by the migration test. */
export function checkMigrations(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`chat store migration ${m.name}: version ${m.version}, expected ${i + 1}`);
  });
}
