export const ROLES = ['read', 'write', 'admin'] as const;
/**
 * What a user may do. Each role includes the ones before it:
 * `read` (GET endpoints when reads are protected) < `write` (votes, promotions,
 * rechecks) < `admin` (user management and anything else).
 */
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * True when `user` may do what `needed` allows. A missing user (anonymous
 * request) has no role at all.
 *
 * @example
 *   hasRole({ role: 'write' }, 'read')   // true
 *   hasRole({ role: 'read' }, 'write')   // false
 */
export function hasRole(user: { readonly role: Role } | null | undefined, needed: Role): boolean {
  if (!user) return false;
  return ROLES.indexOf(user.role) >= ROLES.indexOf(needed);
}
