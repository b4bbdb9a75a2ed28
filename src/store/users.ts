import { assertUserName } from '../auth/user-name.js';
import { isRole, type Role } from '../auth/roles.js';
import { FerryError } from '../errors.js';
import { toUser, type UserRecord } from './records.js';
import { runTemplate } from './query-template.js';
import type { StoreContext } from './store-context.js';

export interface NewUser {
  readonly name: string;
  /** An encoded hash from `hashPassword` (or an imported `$6$…`); never a password. */
  readonly passwordHash: string;
  readonly role: Role;
}

function checkRole(role: Role): Role {
  if (!isRole(role))
    throw new FerryError('FERRY_USAGE', `unknown role ${JSON.stringify(role)}: use read, write or admin`);
  return role;
}

/** Adds a user; FERRY_CONFLICT when the name is taken. */
export async function addUser(ctx: StoreContext, input: NewUser): Promise<UserRecord> {
  assertUserName(input.name);
  const now = ctx.clock();
  const row = await ctx.db
    .insertInto('users')
    .values({
      username: input.name,
      password_hash: input.passwordHash,
      role: checkRole(input.role),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new FerryError('FERRY_CONFLICT', `user ${input.name} already exists`);
  return toUser(row);
}

export async function getUser(ctx: StoreContext, name: string): Promise<UserRecord | undefined> {
  // Compiled once: every authenticated request reads its user's row.
  const [row] = await runTemplate(
    ctx,
    'getUser',
    (db, p) => db.selectFrom('users').selectAll().where('username', '=', p.name),
    { name },
  );
  return row && toUser(row);
}

/** Every user, sorted by name. */
export async function listUsers(ctx: StoreContext): Promise<UserRecord[]> {
  const rows = await ctx.db.selectFrom('users').selectAll().orderBy('username').execute();
  return rows.map(toUser);
}

/** Removes a user; FERRY_NOT_FOUND when there is none. Their votes and promotions keep their name. */
export async function removeUser(ctx: StoreContext, name: string): Promise<void> {
  const result = await ctx.db.deleteFrom('users').where('username', '=', name).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new FerryError('FERRY_NOT_FOUND', `no user named ${name}`);
}

/**
 * Replaces a user's password hash (`ferry user passwd`, or the API upgrading a
 * DLRN hash after a successful login). With `expectedHash`, only when the
 * stored hash is still that one, so a concurrent password change wins over a
 * background upgrade; returns whether it changed.
 */
export async function setUserPassword(
  ctx: StoreContext,
  name: string,
  passwordHash: string,
  expectedHash?: string,
): Promise<boolean> {
  let query = ctx.db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: ctx.clock() })
    .where('username', '=', name);
  if (expectedHash !== undefined) query = query.where('password_hash', '=', expectedHash);
  const result = await query.executeTakeFirst();
  if (result.numUpdatedRows === 0n && expectedHash === undefined) {
    throw new FerryError('FERRY_NOT_FOUND', `no user named ${name}`);
  }
  return result.numUpdatedRows > 0n;
}

/** Changes a user's role; FERRY_NOT_FOUND when there is none. */
export async function setUserRole(ctx: StoreContext, name: string, role: Role): Promise<void> {
  const result = await ctx.db
    .updateTable('users')
    .set({ role: checkRole(role), updated_at: ctx.clock() })
    .where('username', '=', name)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new FerryError('FERRY_NOT_FOUND', `no user named ${name}`);
}
