import { FerryError } from '../errors.js';

/**
 * User names: 1 to 255 printable characters, no whitespace, no ':' (HTTP Basic
 * separates name and password with it), no leading '-' (it would read as an
 * option). '@' and '.' are allowed: DLRN users are often e-mail addresses or
 * Kerberos principals.
 */
const USER_NAME = /^[A-Za-z0-9_.@+][A-Za-z0-9_.@+-]{0,254}$/;

export function isValidUserName(name: string): boolean {
  return USER_NAME.test(name);
}

/** Throws FERRY_INVALID_NAME unless `name` is a valid user name. */
export function assertUserName(name: string): string {
  if (!isValidUserName(name)) {
    throw new FerryError(
      'FERRY_INVALID_NAME',
      `invalid user name ${JSON.stringify(name)}: use 1-255 letters, digits, '.', '_', '@', '+', '-' (not first)`,
    );
  }
  return name;
}
