import { FerryError } from '../errors.js';

export const STORE_DIALECTS = ['sqlite', 'postgres'] as const;
export type StoreDialect = (typeof STORE_DIALECTS)[number];

/** A parsed database URL. */
export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly path: string; readonly memory: boolean }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

/**
 * Parses a database URL:
 * - `sqlite:PATH` (as ferry.yaml writes it), `sqlite::memory:`, and
 *   SQLAlchemy's `sqlite:///relative` / `sqlite:////absolute` forms;
 * - `postgres://user:pass@host:port/db` or `postgresql://…`.
 * Anything else is FERRY_STORE_FAILED naming the accepted forms.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(3);
    if (path === ':memory:' || path === '') return { dialect: 'sqlite', path: ':memory:', memory: true };
    return { dialect: 'sqlite', path, memory: false };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new FerryError('FERRY_STORE_FAILED', `invalid database URL ${redactStoreUrl(url)}`, {
        cause: error,
      });
    }
    if (parsed.pathname.length <= 1) {
      throw new FerryError(
        'FERRY_STORE_FAILED',
        `database URL ${redactStoreUrl(url)} names no database (expected postgres://user@host:port/DATABASE)`,
      );
    }
    return { dialect: 'postgres', connectionString: url };
  }
  throw new FerryError(
    'FERRY_STORE_FAILED',
    `unsupported database URL ${JSON.stringify(redactStoreUrl(url))}: use sqlite:PATH, sqlite::memory: or postgres://user@host:port/db`,
  );
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
