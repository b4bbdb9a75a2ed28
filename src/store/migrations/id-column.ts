import type { CreateTableBuilder } from 'kysely';

import type { StoreDialect } from '../store-url.js';

/**
 * The integer key every table of ferry's starts with, one shape per dialect;
 * both hand out increasing ids and accept explicit ids (ferry import dlrn
 * keeps DLRN's). Shared by the migrations, so a new table gets the same key.
 */
export function withIdColumn(dialect: StoreDialect) {
  return <T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> =>
    table.addColumn('id', 'integer', (col) =>
      dialect === 'sqlite'
        ? col.primaryKey().autoIncrement()
        : col.primaryKey().generatedByDefaultAsIdentity(),
    );
}
