/** Credentials from an `Authorization: Basic …` header. */
export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

/** Passwords longer than this are refused before any hashing (a hash of a megabyte is work for nothing). */
export const MAX_CREDENTIAL_BYTES = 4096;

/**
 * Reads HTTP Basic credentials (RFC 7617) as the dlrnapi client sends them.
 * Returns `undefined` when there is no Authorization header at all, `null`
 * when there is one that is not usable Basic credentials (another scheme,
 * bad base64, no colon, too long).
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | null | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  if (!match || match[1]!.length > (MAX_CREDENTIAL_BYTES * 4) / 3 + 4) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
