import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { openWorkspace } from '../../src/config/index.js';
import { openStore } from '../../src/store/index.js';
import { FERRY_BIN, runFerry } from '../helpers/run-ferry.js';
import { seedFixture, type FixtureCommits } from './api-fixture.js';

/** A running `ferry serve` (the compiled binary), as a user starts it. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it wrote to stderr (pino's JSON log lines) so far. */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `ferry serve --port 0` in `workspace` and resolves once it prints where it listens. */
export function startServe(workspace: string, args: readonly string[] = []): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FERRY_BIN, 'serve', '--port', '0', ...args], {
      cwd: workspace,
      env: { ...process.env, FERRY_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ferry serve did not start in time:\n${out}\n${err}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          child,
          stderr: () => err,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ferry serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/**
 * A demo-like workspace: `ferry init`, users added with `ferry user add`
 * (reader, writer), and the API fixture's builds, votes and snapshot
 * directories in its store and repos/.
 */
export async function demoWorkspace(dir: string): Promise<{ workspace: string; commits: FixtureCommits }> {
  const workspace = join(dir, 'workspace');
  const init = await runFerry(['init', workspace]);
  if (init.code !== 0) throw new Error(`ferry init failed: ${init.stderr}`);
  await appendFile(join(workspace, 'ferry.yaml'), '');
  for (const [name, role] of [
    ['reader', 'read'],
    ['writer', 'write'],
  ] as const) {
    const added = await runFerry(['user', 'add', name, '--role', role, '--password-stdin'], {
      cwd: workspace,
      input: `${name}-password\n`,
    });
    if (added.code !== 0) throw new Error(`ferry user add failed: ${added.stderr}`);
  }
  const ws = await openWorkspace(workspace);
  await mkdir(ws.reposDir, { recursive: true });
  const store = await openStore(ws.databaseUrl);
  try {
    const commits = await seedFixture(store, ws.reposDir, { users: false });
    return { workspace, commits };
  } finally {
    await store.close();
  }
}
