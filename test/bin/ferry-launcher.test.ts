/**
 * bin/ferry, the command `npm link` installs: it starts the CLI, through a
 * symbolic link as on a user's PATH, and leaves NODE_EXTRA_CA_CERTS out only
 * for commands that open no TLS connection. Node warns on stderr at start
 * when the file the variable names cannot be loaded: that warning tells
 * whether the variable reached node.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../helpers/run-ferry.js';

const NODE_WARNING = 'Ignoring extra certs from';

let dir: string;
let linked: string;

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      linked,
      args,
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'no-such-bundle.pem') } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-launcher-'));
  mkdirSync(join(dir, 'bin'));
  linked = join(dir, 'bin', 'ferry');
  symlinkSync(resolve(PROJECT_ROOT, 'bin/ferry'), linked);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/ferry', () => {
  it('runs `repo index` through a symbolic link, without NODE_EXTRA_CA_CERTS', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const result = await run(['repo', 'index', '--json', repo]);
    expect(result.stderr).not.toContain(NODE_WARNING);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ written: true, packages: 0 });
  });

  it('keeps NODE_EXTRA_CA_CERTS for the other commands (they may open TLS connections)', async () => {
    for (const args of [['repo', 'closure', '--help'], ['status', '--help'], ['--version']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stderr, args.join(' ')).toContain(NODE_WARNING);
    }
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const result = await run([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });
});
