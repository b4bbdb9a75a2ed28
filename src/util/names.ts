import { FerryError } from '../errors.js';

/** Names that become path components: no separators, no dot-dot, no leading dot or dash, no control characters. */
const SAFE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;

export function isSafeName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && SAFE_NAME.test(name) && !name.includes('..');
}

/** Throws FERRY_INVALID_NAME unless `name` can safely be used as one path component. */
export function assertSafeName(name: string, what = 'name'): string {
  if (!isSafeName(name)) {
    throw new FerryError(
      'FERRY_INVALID_NAME',
      `invalid ${what} ${JSON.stringify(name)}: use letters, digits, '.', '_', '+', '-' (no '/', no '..')`,
    );
  }
  return name;
}
