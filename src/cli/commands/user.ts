import type { Command } from 'commander';

import {
  assertUserName,
  hashPassword,
  isRole,
  passwordScheme,
  validateNewPassword,
  type Role,
} from '../../auth/index.js';
import { openWorkspace, resolveWorkspaceDir } from '../../config/index.js';
import { FerryError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { action, workspaceOption, type CliIo, type CommandRegistration } from '../command-context.js';

interface PasswordOptions {
  readonly passwordStdin?: boolean;
}

function parseRole(text: string): Role {
  if (!isRole(text))
    throw new FerryError('FERRY_USAGE', `unknown role ${JSON.stringify(text)}: use read, write or admin`);
  return text;
}

async function withStore<T>(command: Command, run: (store: Store) => Promise<T>): Promise<T> {
  const workspace = await openWorkspace(resolveWorkspaceDir(workspaceOption(command)));
  const { openStore } = await import('../../store/index.js');
  const store = await openStore(workspace.databaseUrl);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** All of stdin, without the one trailing newline `echo` or a here-string adds. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Reads one line per prompt from the terminal without echoing them. One raw
 * session for all prompts: an answer typed ahead (even in the same read as
 * the previous one) is kept for the next prompt and never echoed.
 */
function promptHidden(io: CliIo, prompts: readonly string[]): Promise<string[]> {
  const stdin = process.stdin;
  // Raw mode before the first prompt: an answer typed as soon as it shows is never echoed.
  stdin.setRawMode(true);
  io.stderr(prompts[0]!);
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let typed = '';
    const finish = (error?: FerryError) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      if (error) {
        io.stderr('\n');
        reject(error);
      } else {
        resolve(lines);
      }
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\u0003' || char === '\u0004')
          return finish(new FerryError('FERRY_USAGE', 'password entry aborted'));
        if (char === '\r' || char === '\n') {
          lines.push(typed);
          typed = '';
          io.stderr('\n');
          if (lines.length === prompts.length) return finish();
          io.stderr(prompts[lines.length]!);
        } else if (char === '\u007f' || char === '\b') {
          typed = [...typed].slice(0, -1).join('');
        } else {
          typed += char;
        }
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}

/**
 * The new password: from stdin with --password-stdin or when stdin is not a
 * terminal; otherwise typed twice at a prompt that does not echo.
 */
async function readNewPassword(io: CliIo, options: PasswordOptions, commandLine: string): Promise<string> {
  if (options.passwordStdin || !process.stdin.isTTY) {
    const password = await readStdin();
    // Nothing at all (</dev/null, an unset variable echoed): not a short password but none.
    if (password === '') {
      throw new FerryError(
        'FERRY_USAGE',
        `no password given: stdin was empty. Pipe one in (echo "$PASSWORD" | ${commandLine} --password-stdin) ` +
          'or run the command in a terminal to type it at a prompt',
      );
    }
    return validateNewPassword(password);
  }
  const [first, second] = await promptHidden(io, ['New password: ', 'Retype new password: ']);
  if (first !== second) throw new FerryError('FERRY_USAGE', 'the passwords did not match');
  return validateNewPassword(first!);
}

function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** `ferry user list --json` (docs/store.md): never the hash itself, only its scheme. */
interface UserJson {
  readonly name: string;
  readonly role: Role;
  readonly hash_scheme: 'scrypt' | 'sha512_crypt' | 'unknown';
  readonly created_at: number;
  readonly updated_at: number;
}

async function runList(io: CliIo, command: Command, options: { readonly json?: boolean }): Promise<number> {
  const users = await withStore(command, (store) => store.listUsers());
  const rows: UserJson[] = users.map((user) => ({
    name: user.name,
    role: user.role,
    hash_scheme: passwordScheme(user.passwordHash),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }));
  if (options.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    io.stdout('no users (ferry user add NAME creates one)\n');
    return 0;
  }
  const table = [
    ['NAME', 'ROLE', 'HASH', 'UPDATED'],
    ...rows.map((row) => [
      row.name,
      row.role,
      row.hash_scheme === 'sha512_crypt' ? 'sha512_crypt (upgraded at next login)' : row.hash_scheme,
      formatTime(row.updated_at),
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table) {
    io.stdout(
      `${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`,
    );
  }
  return 0;
}

export const registerUserCommand: CommandRegistration = (program, io, setExit) => {
  const user = program
    .command('user')
    .description('manage API users (stored in the workspace database)')
    .addHelpText(
      'after',
      '\nPasswords are read from stdin with --password-stdin (or when stdin is not a terminal),\notherwise typed twice without echo. They are stored as scrypt hashes.',
    );

  user
    .command('add <name>')
    .description('add a user')
    .option('--password-stdin', 'read the password from stdin')
    .option('--role <role>', 'read, write or admin', 'write')
    .action(
      action(setExit, async (name: string, options: PasswordOptions & { role: string }, command: Command) => {
        assertUserName(name);
        const role = parseRole(options.role);
        await withStore(command, async (store) => {
          if (await store.getUser(name))
            throw new FerryError('FERRY_CONFLICT', `user ${name} already exists`);
          const passwordHash = await hashPassword(
            await readNewPassword(io, options, `ferry user add ${name}`),
          );
          await store.addUser({ name, passwordHash, role });
        });
        io.stdout(`added user ${name} (${role})\n`);
        return 0;
      }),
    );

  user
    .command('remove <name>')
    .description('remove a user (their votes and promotions keep their name)')
    .action(
      action(setExit, async (name: string, _options: unknown, command: Command) => {
        await withStore(command, (store) => store.removeUser(name));
        io.stdout(`removed user ${name}\n`);
        return 0;
      }),
    );

  user
    .command('passwd <name>')
    .description("set a user's password")
    .option('--password-stdin', 'read the password from stdin')
    .action(
      action(setExit, async (name: string, options: PasswordOptions, command: Command) => {
        await withStore(command, async (store) => {
          if (!(await store.getUser(name))) throw new FerryError('FERRY_NOT_FOUND', `no user named ${name}`);
          const password = await readNewPassword(io, options, `ferry user passwd ${name}`);
          await store.setUserPassword(name, await hashPassword(password));
        });
        io.stdout(`changed the password of ${name}\n`);
        return 0;
      }),
    );

  user
    .command('role <name> <role>')
    .description("change a user's role (read, write or admin)")
    .action(
      action(setExit, async (name: string, roleText: string, _options: unknown, command: Command) => {
        const role = parseRole(roleText);
        await withStore(command, (store) => store.setUserRole(name, role));
        io.stdout(`${name} is now ${role}\n`);
        return 0;
      }),
    );

  user
    .command('list')
    .description('list users, their roles and hash schemes (never the hashes)')
    .option('--json', 'print JSON (docs/store.md)')
    .action(
      action(setExit, (options: { json?: boolean }, command: Command) => runList(io, command, options)),
    );
};
