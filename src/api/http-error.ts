/**
 * An error the API answers with a given status and `{"message": ...}`, as
 * DLRN's `InvalidUsage` does. Route code throws these for outcomes that are
 * the client's business (bad input, not found, conflict); anything else that
 * escapes a handler is a bug and becomes a logged 500.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  /** Extra response headers (WWW-Authenticate on 401). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    statusCode: number,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.headers = options.headers ?? {};
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/** 400: what DLRN answers for bad input and for hashes it cannot find. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}
