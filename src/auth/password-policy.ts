import { FerryError } from '../errors.js';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_BYTES = 1024;

/**
 * Checks a password a user is setting (not one being verified: DLRN's users
 * keep whatever they had). FERRY_USAGE names what is wrong, never the password.
 */
export function validateNewPassword(password: string): string {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new FerryError('FERRY_USAGE', `password too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new FerryError('FERRY_USAGE', `password too long: at most ${MAX_PASSWORD_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) {
    throw new FerryError('FERRY_USAGE', 'password contains control characters (a stray newline?)');
  }
  return password;
}
