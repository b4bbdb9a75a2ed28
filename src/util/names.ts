import { FerryError } from '../errors.js';

/** Names that become path components: no separators, no dot-dot, no leading dot or dash, no control characters. */
const SAFE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;

/**
 * The longest name (in UTF-8 bytes) ferry turns into a file or directory name:
 * package, component and repository names, promotion (label) names, the RPM
 * file names of remote/import. Linux allows 255 bytes per name (NAME_MAX),
 * and ferry derives longer names from these: the longest is the temporary
 * file of an atomic write beside `<name>.repo.md5`,
 * `.<name>.repo.md5.<pid>.<8 hex>.tmp`, 31 bytes more (a pid has at most 7
 * digits). 200 leaves room for that and some.
 */
export const MAX_NAME_BYTES = 200;

/** Length of `name` as the file system counts it: UTF-8 bytes, not characters. */
export function nameBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

export function isSafeName(name: string): boolean {
  return name.length > 0 && nameBytes(name) <= MAX_NAME_BYTES && SAFE_NAME.test(name) && !name.includes('..');
}

/** Why `name` is not a safe path component (undefined when it is one). */
export function unsafeNameReason(name: string): string | undefined {
  if (isSafeName(name)) return undefined;
  if (name.length > 0 && nameBytes(name) > MAX_NAME_BYTES) {
    return `at most ${MAX_NAME_BYTES} bytes (it has ${nameBytes(name)})`;
  }
  return "use letters, digits, '.', '_', '+', '-' (no '/', no '..', no leading '.' or '-')";
}

/** Throws FERRY_INVALID_NAME unless `name` can safely be used as one path component. */
export function assertSafeName(name: string, what = 'name'): string {
  const reason = unsafeNameReason(name);
  if (reason !== undefined) {
    // A name past the limit is shown cut: the message stays one readable line.
    const shown = nameBytes(name) > MAX_NAME_BYTES ? `${name.slice(0, 40)}…` : name;
    throw new FerryError('FERRY_INVALID_NAME', `invalid ${what} ${JSON.stringify(shown)}: ${reason}`);
  }
  return name;
}
