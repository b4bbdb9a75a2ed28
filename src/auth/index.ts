/**
 * Users' credentials and roles: scrypt password hashes (with DLRN's
 * sha512_crypt accepted and flagged for upgrade), constant-time checks, and
 * the read < write < admin role model.
 */
export {
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  PASSWORD_SCHEMES,
  passwordScheme,
  verifyPassword,
  verifyUnknownUser,
  type PasswordCheck,
  type PasswordScheme,
  type ScryptParams,
} from './password-hash.js';
export { isSha512Crypt } from './sha512-crypt.js';
export { hasRole, isRole, ROLES, type Role } from './roles.js';
export { assertUserName, isValidUserName } from './user-name.js';
export { validateNewPassword, MIN_PASSWORD_LENGTH } from './password-policy.js';
