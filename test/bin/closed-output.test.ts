/**
 * `ferry ... | head`: when the reader of ferry's output goes away, ferry
 * ends quietly, as Unix tools do (no EPIPE stack trace): a command that ends
 * by itself exits with its own code, a long-running one stops. Each case
 * uses a real pipe whose read end is closed, after the first chunk or before
 * anything was written.
 */
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { exec } from '../../src/util/exec.js';
import { BASIC_CATALOG } from '../helpers/catalog-fixture.js';
import { FERRY_BIN, runFerry } from '../helpers/run-ferry.js';
import { tempDir } from '../helpers/temp-dir.js';

let catalog: string;

beforeAll(async () => {
  // The basic catalog with 5,000 more packages: megabytes of output, far more than a pipe holds.
  const dir = join(await tempDir('ferry-closed-output-'), 'catalog');
  await cp(BASIC_CATALOG, dir, { recursive: true });
  const rdo = join(dir, 'rdo.yml');
  const extra = Array.from({ length: 5000 }, (_, i) => `- project: lib${i}\n  conf: lib\n`).join('');
  await writeFile(rdo, (await readFile(rdo, 'utf8')).replace('packages:\n', `packages:\n${extra}`));
  catalog = join(dir, 'rdo-full.yml');
});

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/**
 * Runs ferry with stdout (or stderr) on a pipe whose read end is closed
 * after `keep` chunks (0: before ferry writes anything).
 */
function runClosing(args: readonly string[], closing: 'stdout' | 'stderr', keep: number, cwd?: string) {
  return new Promise<Ended>((resolve) => {
    const child = spawn(process.execPath, [FERRY_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const kept = { stdout: '', stderr: '' };
    let chunks = 0;
    const closed = child[closing];
    const other = closing === 'stdout' ? 'stderr' : 'stdout';
    child[other].on('data', (data: Buffer) => (kept[other] += data.toString()));
    if (keep === 0) closed.destroy();
    else
      closed.on('data', (data: Buffer) => {
        kept[closing] += data.toString();
        if (++chunks === keep) closed.destroy();
      });
    child.on('close', (code, signal) => resolve({ code, signal, ...kept }));
  });
}

describe('output to a reader that went away', () => {
  it('catalog list --json: ends with exit 0 and nothing on stderr when stdout closes after the first chunk', async () => {
    const ended = await runClosing(['catalog', 'list', '--catalog', catalog, '--json'], 'stdout', 1);

    expect([ended.code, ended.signal, ended.stderr]).toEqual([0, null, '']);
    expect(ended.stdout.length).toBeGreaterThan(0);
  });

  it('catalog list into `head -c 100`: ferry exits 0, silently', async () => {
    const script = `node "$0" catalog list --catalog "$1" 2>"$2" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const err = join(await tempDir('ferry-closed-output-head-'), 'stderr');

    const result = await exec('bash', ['-c', script, FERRY_BIN, catalog, err]);

    expect(result.stdout).toBe('0\n');
    expect(await readFile(err, 'utf8')).toBe('');
  });

  it('small outputs too: --version and --help with stdout closed before they write', async () => {
    const version = await runClosing(['--version'], 'stdout', 0);
    const help = await runClosing(['repo', 'closure', '--help'], 'stdout', 0);

    expect([version.code, version.stderr]).toEqual([0, '']);
    expect([help.code, help.stderr]).toEqual([0, '']);
  });

  it('keeps the exit code of a command whose stderr reader went away', async () => {
    const missing = join(await tempDir('ferry-closed-output-none-'), 'no-repo');

    const ended = await runClosing(['repo', 'closure', missing], 'stderr', 0);

    expect([ended.code, ended.signal, ended.stdout]).toEqual([2, null, '']);
  });

  it('stops a long-running command (serve) as on SIGTERM when its stdout reader goes away', async () => {
    const workspace = join(await tempDir('ferry-closed-output-ws-'), 'ws');
    expect((await runFerry(['init', workspace])).code).toBe(0);

    const ended = await runClosing(['serve', '--port', '0'], 'stdout', 0, workspace);

    expect([ended.code, ended.signal]).toEqual([0, null]);
    expect(ended.stderr).not.toContain('EPIPE');
  });
});
