import type { Migration } from 'kysely';

import type { StoreDialect } from '../store-url.js';
import { initialMigration } from './0001-initial.js';
import { queryOrderIndexes } from './0002-query-order-indexes.js';
import { trustedLabelsMigration } from './0003-trusted-labels.js';

/**
 * Every migration, in order. Names sort in the order they run; a new schema
 * change is a new entry (never an edit of a released one).
 */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-query-order-indexes': queryOrderIndexes,
    '0003-trusted-labels': trustedLabelsMigration(dialect),
  };
}
