import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { postgresTestDatabase } from '../../../test/helpers/databases.js';
import { FERRY_BIN, runFerry } from '../../../test/helpers/run-ferry.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { verifyPassword } from '../../auth/index.js';
import { main } from '../main.js';
import { openStore } from '../../store/index.js';
import { exec } from '../../util/exec.js';

const root = await tempDir('ferry-user-cli-');

// The whole command surface on a SQLite workspace; the store functions behind it run on
// both dialects in src/store, and one round trip below checks a PostgreSQL workspace.
describe.each(['sqlite'] as const)('ferry user on %s', (dialect) => {
  const workspace = async (name: string) => {
    const dir = join(root, `${dialect}-${name}`);
    const init = await runFerry(['init', dir]);
    expect(init.code).toBe(0);
    return {
      dir,
      ferry: (args: string[], input?: string) => runFerry(['-w', dir, 'user', ...args], { input }),
    };
  };
  const databaseOf = async (dir: string) => {
    const { loadConfig, workspaceFromConfig } = await import('../../config/index.js');
    return workspaceFromConfig(dir, await loadConfig(join(dir, 'ferry.yaml'))).databaseUrl;
  };

  it('adds users from stdin, lists them, changes passwords and roles, removes them', async () => {
    const { dir, ferry } = await workspace('round-trip');

    const add = await ferry(['add', 'ci-bot', '--password-stdin'], 'first password\n');
    const addAdmin = await ferry(['add', 'alice@example.org', '--role', 'admin'], 'alice password');
    const passwd = await ferry(['passwd', 'ci-bot', '--password-stdin'], 'second password\n');
    const role = await ferry(['role', 'ci-bot', 'read']);
    const list = await ferry(['list', '--json']);
    const table = await ferry(['list']);
    const store = await openStore(await databaseOf(dir));
    const bot = await store.getUser('ci-bot');
    await store.close();
    const remove = await ferry(['remove', 'alice@example.org']);
    const after = await ferry(['list', '--json']);

    expect([add, addAdmin, passwd, role].map((r) => [r.code, r.stdout, r.stderr])).toEqual([
      [0, 'added user ci-bot (write)\n', ''],
      [0, 'added user alice@example.org (admin)\n', ''],
      [0, 'changed the password of ci-bot\n', ''],
      [0, 'ci-bot is now read\n', ''],
    ]);
    expect(JSON.parse(list.stdout)).toEqual([
      {
        name: 'alice@example.org',
        role: 'admin',
        hash_scheme: 'scrypt',
        created_at: expect.any(Number) as number,
        updated_at: expect.any(Number) as number,
      },
      {
        name: 'ci-bot',
        role: 'read',
        hash_scheme: 'scrypt',
        created_at: expect.any(Number) as number,
        updated_at: expect.any(Number) as number,
      },
    ]);
    expect(table.stdout).toMatch(
      /^NAME +ROLE +HASH +UPDATED\nalice@example.org +admin +scrypt +\d{4}-\d\d-\d\dT/,
    );
    expect(await verifyPassword('second password', bot!.passwordHash)).toEqual({
      ok: true,
      needsUpgrade: false,
    });
    expect((await verifyPassword('first password', bot!.passwordHash)).ok).toBe(false);
    expect(remove).toEqual({ code: 0, stdout: 'removed user alice@example.org\n', stderr: '' });
    expect((JSON.parse(after.stdout) as { name: string }[]).map((u) => u.name)).toEqual(['ci-bot']);
    for (const output of [list.stdout, table.stdout])
      expect(output).not.toMatch(/\$scrypt\$|second password/);
  });

  it('refuses bad input with one clear error and the right exit code', async () => {
    const { dir, ferry } = await workspace('errors');
    await ferry(['add', 'taken', '--password-stdin'], 'good password');
    // Errors found before a password is read run in-process through the same CLI entry
    // (main), which spares a node start each; the password check needs stdin, so a process.
    const inProcess = async (args: string[]) => {
      let stderr = '';
      const code = await main(['-w', dir, 'user', ...args], {
        stdout: () => undefined,
        stderr: (text) => {
          stderr += text;
        },
      });
      return { code, stderr };
    };

    const results = [
      await inProcess(['add', 'taken', '--password-stdin']),
      await inProcess(['add', 'bad:name', '--password-stdin']),
      await inProcess(['add', 'newbie', '--role', 'root', '--password-stdin']),
      await ferry(['add', 'newbie', '--password-stdin'], 'hunter2'),
      await inProcess(['passwd', 'ghost', '--password-stdin']),
      await inProcess(['remove', 'ghost']),
      await inProcess(['role', 'taken', 'superuser']),
    ];

    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [1, 'error: user taken already exists\n'],
      [
        2,
        `error: invalid user name "bad:name": use 1-255 letters, digits, '.', '_', '@', '+', '-' (not first)\n`,
      ],
      [2, 'error: unknown role "root": use read, write or admin\n'],
      [2, 'error: password too short: use at least 8 characters\n'],
      [2, 'error: no user named ghost\n'],
      [2, 'error: no user named ghost\n'],
      [2, 'error: unknown role "superuser": use read, write or admin\n'],
    ]);
    expect(JSON.parse((await ferry(['list', '--json'])).stdout)).toHaveLength(1);
  });

  it('says that no password was given, and how to give one, when stdin is empty', async () => {
    const { dir, ferry } = await workspace('empty-stdin');
    await ferry(['add', 'present', '--password-stdin'], 'good password');

    const devNull = await exec(
      'bash',
      ['-c', 'node "$0" -w "$1" user add nobody </dev/null', FERRY_BIN, dir],
      {
        allowFailure: true,
      },
    );
    const unset = await exec(
      'bash',
      ['-c', 'echo "$UNSET" | node "$0" -w "$1" user passwd present --password-stdin', FERRY_BIN, dir],
      {
        allowFailure: true,
        env: { ...process.env, UNSET: '' },
      },
    );

    expect([devNull.exitCode, devNull.stderr]).toEqual([
      2,
      'error: no password given: stdin was empty. Pipe one in (echo "$PASSWORD" | ferry user add nobody --password-stdin) or run the command in a terminal to type it at a prompt\n',
    ]);
    expect([unset.exitCode, unset.stderr]).toEqual([
      2,
      'error: no password given: stdin was empty. Pipe one in (echo "$PASSWORD" | ferry user passwd present --password-stdin) or run the command in a terminal to type it at a prompt\n',
    ]);
    expect(JSON.parse((await ferry(['list', '--json'])).stdout)).toHaveLength(1);
  });

  it('shows an imported DLRN user as sha512_crypt until the API upgrades it', async () => {
    const { dir, ferry } = await workspace('dlrn');
    const { stdout } = await exec('openssl', ['passwd', '-6', '-stdin'], { input: 'dlrn password\n' });
    const store = await openStore(await databaseOf(dir));
    await store.addUser({ name: 'dlrn-user', passwordHash: stdout.trim(), role: 'write' });
    await store.close();

    const list = await ferry(['list']);
    const json = await ferry(['list', '--json']);

    expect(list.stdout).toMatch(/dlrn-user +write +sha512_crypt \(upgraded at next login\)/);
    expect((JSON.parse(json.stdout) as { hash_scheme: string }[])[0]?.hash_scheme).toBe('sha512_crypt');
  });
});

/**
 * Drives `ferry` on a pseudo-terminal (Python's pty module): answers each
 * password prompt and returns everything the terminal showed, and the exit code.
 */
const PTY_DRIVER = `
import os, pty, sys, time
argv, answers = sys.argv[1:-1], sys.argv[-1].split("\\n")
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b""
def read_until(marker, count, timeout=60):
    global seen
    end = time.time() + timeout
    while time.time() < end and seen.count(marker) < count:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return
        if not chunk:
            return
        seen += chunk
for n, answer in enumerate(answers):
    read_until(b"password: ", n + 1)
    os.write(fd, answer.encode() + b"\\r")
read_until(b"\\0", 1)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;

describe('ferry user passwd on a terminal', () => {
  it('prompts twice without echoing the password', async () => {
    const dir = join(root, 'tty-ws');
    await runFerry(['init', dir]);
    await runFerry(['-w', dir, 'user', 'add', 'tty-user', '--password-stdin'], { input: 'first password' });

    const run = await exec(
      'python3',
      [
        '-c',
        PTY_DRIVER,
        process.execPath,
        FERRY_BIN,
        '-w',
        dir,
        'user',
        'passwd',
        'tty-user',
        'typed secret 1\ntyped secret 1',
      ],
      { allowFailure: true, timeoutMs: 120_000 },
    );
    const store = await openStore(`sqlite:${join(dir, 'ferry.db')}`);
    const user = await store.getUser('tty-user');
    await store.close();

    expect(run.exitCode).toBe(0);
    expect(run.stdout.replace(/\r/g, '')).toBe(
      'New password: \nRetype new password: \nchanged the password of tty-user\n',
    );
    expect((await verifyPassword('typed secret 1', user!.passwordHash)).ok).toBe(true);
  });
});

describe('ferry user on a PostgreSQL workspace', () => {
  it('adds, changes, lists and removes a user in PostgreSQL', async () => {
    const dir = join(root, 'postgres-ws');
    const url = await postgresTestDatabase();
    await runFerry(['init', dir, '--database', url]);
    const ferry = (args: string[], input?: string) => runFerry(['-w', dir, 'user', ...args], { input });

    const add = await ferry(['add', 'pg-user', '--role', 'read', '--password-stdin'], 'first password');
    const passwd = await ferry(['passwd', 'pg-user'], 'second password\n');
    const list = await ferry(['list', '--json']);
    const store = await openStore(url);
    const user = await store.getUser('pg-user');
    await store.close();
    const remove = await ferry(['remove', 'pg-user']);

    expect([add.code, passwd.code, remove.code]).toEqual([0, 0, 0]);
    expect(
      (JSON.parse(list.stdout) as { name: string; role: string }[]).map((u) => [u.name, u.role]),
    ).toEqual([['pg-user', 'read']]);
    expect((await verifyPassword('second password', user!.passwordHash)).ok).toBe(true);
  });
});

describe('ferry user outside a workspace', () => {
  it('says there is no workspace', async () => {
    const run = await runFerry(['-w', join(root, 'nowhere'), 'user', 'list']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not a ferry workspace \(no ferry\.yaml\); run 'ferry init'/);
  });
});
