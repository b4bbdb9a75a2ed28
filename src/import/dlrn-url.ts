import { isAbsolute, resolve } from 'node:path';

import { FerryError } from '../errors.js';

/** Where a DLRN database is. */
export type DlrnLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | {
      readonly dialect: 'mysql';
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly database: string;
    };

const MYSQL_SCHEMES = [
  'mysql:',
  'mysql+pymysql:',
  'mysql+mysqldb:',
  'mysql+mysqlconnector:',
  'mariadb:',
  'mariadb+pymysql:',
];

/**
 * Parses the URL of a DLRN database, as DLRN's projects.ini
 * (`database_connection`) and api config (`DB_PATH`) spell it — SQLAlchemy
 * URLs `sqlite:///relative.db`, `sqlite:////abs/path.db`,
 * `mysql+pymysql://user:pw@host[:port]/db[?charset=utf8]` — plus the plain
 * forms `sqlite:PATH` and `mysql://…` / `mariadb://…`. Relative SQLite paths
 * are resolved against `cwd`. Anything else is FERRY_USAGE naming the forms.
 */
export function parseDlrnUrl(url: string, cwd = process.cwd()): DlrnLocation {
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    // SQLAlchemy: three slashes then the path (a fourth makes it absolute).
    if (path.startsWith('///')) path = path.slice(3);
    else if (path.startsWith('//')) path = path.slice(2);
    path = path.split('?', 1)[0]!;
    if (path === '' || path === ':memory:') {
      throw new FerryError(
        'FERRY_USAGE',
        `${url} names no database file (a DLRN database is a file: sqlite:///path/to/commits.sqlite)`,
      );
    }
    return { dialect: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  const scheme = /^[a-z0-9+]+:/i.exec(url)?.[0]?.toLowerCase();
  if (scheme && MYSQL_SCHEMES.includes(scheme)) {
    let parsed: URL;
    try {
      parsed = new URL(`mysql:${url.slice(scheme.length)}`);
    } catch (error) {
      throw new FerryError('FERRY_USAGE', `invalid database URL ${redactDlrnUrl(url)}`, { cause: error });
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname || !database) {
      throw new FerryError(
        'FERRY_USAGE',
        `database URL ${redactDlrnUrl(url)} needs a host and a database name (mysql+pymysql://user:password@host/dlrn)`,
      );
    }
    return {
      dialect: 'mysql',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
      database,
    };
  }
  throw new FerryError(
    'FERRY_USAGE',
    `unsupported DLRN database URL ${JSON.stringify(redactDlrnUrl(url))}: use sqlite:///path/commits.sqlite or mysql+pymysql://user:password@host/database`,
  );
}

/** The URL with its password hidden, for messages. */
export function redactDlrnUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
