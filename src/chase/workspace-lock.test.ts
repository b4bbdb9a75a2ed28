import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { acquireWorkspaceLock, lockHolder } from './workspace-lock.js';

/** A real process that takes the lock, says so, then waits to be killed. */
function holdLockInChild(path: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const module = resolve(PROJECT_ROOT, 'dist/chase/workspace-lock.js');
  const script = `const { acquireWorkspaceLock } = await import(${JSON.stringify(module)});
await acquireWorkspaceLock(${JSON.stringify(path)}, 'child');
process.stdout.write('held\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () =>
      resolvePromise({
        pid: child.pid!,
        kill: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      }),
    );
  });
}

describe('acquireWorkspaceLock', () => {
  it('is exclusive while its holder lives, and free again once released', async () => {
    const path = join(await tempDir(), '.ferry/chase.lock');

    const lock = await acquireWorkspaceLock(path);

    await expect(acquireWorkspaceLock(path)).rejects.toMatchObject({ code: 'FERRY_LOCKED' });
    expect((await lockHolder(path))?.pid).toBe(process.pid);
    await lock.release();
    expect(await lockHolder(path)).toBeNull();
    const again = await acquireWorkspaceLock(path);
    await again.release();
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const path = join(await tempDir(), 'chase.lock');
    const child = await holdLockInChild(path);
    await expect(acquireWorkspaceLock(path)).rejects.toThrow(new RegExp(`pid ${child.pid} on `));

    await child.kill();
    const lock = await acquireWorkspaceLock(path);

    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      pid: process.pid,
      token: lock.owner.token,
    });
    await lock.release();
  });

  it('treats a reused pid (another start time) and a torn lock file as stale', async () => {
    const dir = await tempDir();
    const reused = join(dir, 'reused.lock');
    await writeFile(
      reused,
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        startTicks: 1,
        since: 0,
        token: 'x',
        purpose: 'old',
      }),
    );
    const torn = join(dir, 'torn.lock');
    await writeFile(torn, '{"pid": 12');

    const a = await acquireWorkspaceLock(reused);
    const b = await acquireWorkspaceLock(torn);

    expect(a.owner.pid).toBe(process.pid);
    expect(b.owner.pid).toBe(process.pid);
    await a.release();
    await b.release();
  });

  it('respects a lock taken on another host', async () => {
    const path = join(await tempDir(), 'remote.lock');
    await writeFile(
      path,
      JSON.stringify({
        pid: 1,
        host: 'elsewhere.example',
        startTicks: null,
        since: 0,
        token: 'y',
        purpose: 'ferry chase',
      }),
    );

    await expect(acquireWorkspaceLock(path)).rejects.toThrow(/pid 1 on elsewhere\.example/);
  });
});
