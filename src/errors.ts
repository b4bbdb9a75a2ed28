/**
 * One error type for everything a user can act on. Each error carries a stable
 * `code`, the process exit code it maps to (DESIGN.md: 1 = the work ran and found
 * a problem, 2 = ferry could not do the work) and the HTTP status the API uses.
 */
export const ERROR_CODES = {
  FERRY_USAGE: { exit: 2, http: 400 },
  FERRY_CONFIG_INVALID: { exit: 2, http: 500 },
  FERRY_CATALOG_INVALID: { exit: 2, http: 500 },
  FERRY_RPM_INVALID: { exit: 1, http: 400 },
  FERRY_REPODATA_INVALID: { exit: 2, http: 500 },
  FERRY_REPO_BROKEN_PACKAGES: { exit: 1, http: 500 },
  FERRY_SPEC_INVALID: { exit: 1, http: 400 },
  FERRY_DEPENDENCY_INVALID: { exit: 2, http: 400 },
  FERRY_CLOSURE_UNRESOLVED: { exit: 1, http: 409 },
  FERRY_EXEC_FAILED: { exit: 1, http: 500 },
  FERRY_BUILD_FAILED: { exit: 1, http: 500 },
  FERRY_VCS_FAILED: { exit: 1, http: 500 },
  FERRY_STORE_FAILED: { exit: 2, http: 500 },
  FERRY_LOCKED: { exit: 2, http: 409 },
  FERRY_NOT_FOUND: { exit: 2, http: 404 },
  FERRY_INVALID_NAME: { exit: 2, http: 400 },
  FERRY_AUTH_REQUIRED: { exit: 2, http: 401 },
  FERRY_FORBIDDEN: { exit: 2, http: 403 },
  FERRY_CONFLICT: { exit: 1, http: 409 },
  FERRY_GONE: { exit: 1, http: 410 },
  FERRY_UNSUPPORTED: { exit: 2, http: 400 },
} as const satisfies Record<string, { exit: 1 | 2; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FerryErrorOptions {
  readonly cause?: unknown;
  /** File the problem is in, when there is one (shown as `file:line:column`). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: ErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }

  get exitCode(): 1 | 2 {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** `file:line:column: message`, or the bare message when there is no position. */
  override toString(): string {
    return formatLocated(this.message, this.file, this.line, this.column);
  }
}

export function formatLocated(message: string, file?: string, line?: number, column?: number): string {
  if (file === undefined) return message;
  let where = file;
  if (line !== undefined) where += `:${line}`;
  if (line !== undefined && column !== undefined) where += `:${column}`;
  return `${where}: ${message}`;
}

export function isFerryError(error: unknown): error is FerryError {
  return error instanceof FerryError;
}
