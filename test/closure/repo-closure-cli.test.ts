/**
 * `ferry repo closure` as a user runs it: text and JSON output, exit codes
 * (0 clean, 1 unresolved, 2 could not check), repository ids, file:// and
 * http:// repositories, lookaside, and one clear error for bad input.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoIdFromUrl } from '../../src/closure/index.js';
import { exec } from '../../src/util/exec.js';
import { buildRpms } from '../helpers/rpm-factory.js';
import { runFerry } from '../helpers/run-ferry.js';
import { tempDir } from '../helpers/temp-dir.js';

let work: string;
let main: string;
let base: string;
let clean: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  work = await tempDir('ferry-closure-cli-');
  main = join(work, 'main');
  base = join(work, 'base');
  clean = join(work, 'clean');
  await Promise.all([
    buildRpms(
      [
        { name: 'cli-ok', version: '1.0', release: '1', provides: ['cli-cap = 1'] },
        {
          name: 'cli-user',
          version: '2.0',
          release: '1',
          epoch: 3,
          requires: ['cli-cap', 'cli-base-cap >= 2', 'cli-missing'],
        },
      ],
      main,
    ),
    buildRpms([{ name: 'cli-base', version: '1', release: '1', provides: ['cli-base-cap = 2'] }], base),
    buildRpms([{ name: 'cli-clean', version: '1', release: '1', requires: ['cli-clean'] }], clean),
  ]);
  await Promise.all([main, base, clean].map((dir) => exec('createrepo_c', ['-q', dir])));
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(work, path);
    if (!file.startsWith(work)) {
      response.writeHead(403).end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.writeHead(404).end());
    stream.on('open', () => stream.pipe(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const USER_BLOCK =
  'package: cli-user-3:2.0-1.noarch from main\n  unresolved deps (2):\n    cli-base-cap >= 2\n    cli-missing\n';

describe('ferry repo closure', () => {
  it('prints unresolved dependencies grouped by package and exits 1', async () => {
    const run = await runFerry(['repo', 'closure', `main,${main}`]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(USER_BLOCK);
    expect(run.stderr).toBe('closure: 2 unresolved dependencies across 1 of 2 packages checked\n');
  });

  it('prints exactly {"unresolved": [...]} with --json', async () => {
    const run = await runFerry(['repo', 'closure', '--json', `main,${main}`, '--lookaside', `base,${base}`]);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      unresolved: [{ package: 'cli-user-3:2.0-1.noarch', repo: 'main', dependencies: ['cli-missing'] }],
    });
    expect(run.stderr).toBe('');
  });

  it('exits 0 and prints nothing on stdout when everything resolves', async () => {
    const text = await runFerry(['repo', 'closure', clean]);
    const json = await runFerry(['repo', 'closure', '--json', clean]);

    expect(text).toEqual({
      code: 0,
      stdout: '',
      stderr: 'closure: 1 package checked, every dependency resolved\n',
    });
    expect(JSON.parse(json.stdout)).toEqual({ unresolved: [] });
  });

  it("names bare paths and file:// URLs as dnf's config-manager does, and reads http:// repositories", async () => {
    const bare = await runFerry(['repo', 'closure', '--json', main]);
    const url = await runFerry(['repo', 'closure', '--json', pathToFileURL(main).href]);
    const http = await runFerry([
      'repo',
      'closure',
      '--json',
      `${baseUrl}/main/`,
      '--lookaside',
      `${baseUrl}/base`,
    ]);

    const id = repoIdFromUrl(pathToFileURL(main).href);
    expect(id).toBe(main.slice(1).replaceAll('/', '_'));
    expect((JSON.parse(bare.stdout) as { unresolved: { repo: string }[] }).unresolved[0]!.repo).toBe(id);
    expect(url.stdout).toBe(bare.stdout);
    expect(http.code).toBe(1);
    expect(JSON.parse(http.stdout)).toEqual({
      unresolved: [
        {
          package: 'cli-user-3:2.0-1.noarch',
          repo: `127.0.0.1_${new URL(baseUrl).port}_main_`,
          dependencies: ['cli-missing'],
        },
      ],
    });
  });

  it('narrows with --check, --pkg and --arch', async () => {
    const checkBase = await runFerry([
      'repo',
      'closure',
      `main,${main}`,
      '--lookaside',
      `base,${base}`,
      '--check',
      'base',
    ]);
    const pkg = await runFerry(['repo', 'closure', `main,${main}`, '--pkg', 'cli-ok']);
    const arch = await runFerry(['repo', 'closure', `main,${main}`, '--arch', 'x86_64']);

    expect([checkBase.code, checkBase.stdout]).toEqual([0, '']);
    expect([pkg.code, pkg.stdout]).toEqual([0, '']);
    expect([arch.code, arch.stdout]).toEqual([0, '']);
  });

  it('exits 2 with one clear error for missing or corrupt repodata', async () => {
    const empty = join(work, 'empty');
    await mkdir(empty, { recursive: true });
    const corrupt = join(work, 'corrupt');
    await exec('cp', ['-r', main, corrupt]);
    const primary = (await readdir(join(corrupt, 'repodata'))).find((n) => n.endsWith('-primary.xml.gz'))!;
    const data = await readFile(join(corrupt, 'repodata', primary));
    data[20] = data[20]! ^ 0x55;
    await writeFile(join(corrupt, 'repodata', primary), data);

    const missing = await runFerry(['repo', 'closure', empty]);
    const damaged = await runFerry(['repo', 'closure', corrupt]);
    const unreachable = await runFerry(['repo', 'closure', `${baseUrl}/nothing-here/`]);

    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `error: ${join(empty, 'repodata/repomd.xml')}: cannot read repository metadata: ENOENT: no such file or directory, open '${join(empty, 'repodata/repomd.xml')}'\n`,
    );
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(
      /^error: .*-primary\.xml\.gz: checksum mismatch: repomd\.xml declares sha256 /,
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('HTTP 404');
  });

  it('exits 2 for bad options: unknown scheme, bad id, unknown --check, no match, unknown arch, duplicate ids', async () => {
    const runs = await Promise.all([
      runFerry(['repo', 'closure', 'ftp://example.org/repo']),
      runFerry(['repo', 'closure', `bad id,${main}`]),
      runFerry(['repo', 'closure', `a,b,${main}`]),
      runFerry(['repo', 'closure', `main,${main}`, '--check', 'other']),
      runFerry(['repo', 'closure', `main,${main}`, '--pkg', 'nothing-like-this']),
      runFerry(['repo', 'closure', `main,${main}`, '--forcearch', 'vax']),
      runFerry(['repo', 'closure', `r,${main}`, '--lookaside', `r,${base}`]),
      runFerry(['repo', 'closure']),
    ]);

    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(runs.map((r) => r.stderr.split('\n')[0])).toEqual([
      'error: ftp://example.org/repo: unsupported URL scheme "ftp://" (use a path, file://, http:// or https://)',
      'error: bad repository id "bad id": use letters, digits and _ . : - only',
      `error: bad repository "a,b,${main}": expected ID,PATH (one comma, as dnf's --repofrompath)`,
      'error: --check other: no repository has that id',
      'error: no package matched: nothing-like-this',
      'error: --forcearch: unknown architecture "vax"',
      `error: two repositories have the id "r" (r,${main} and r,${base}): name them with ID,PATH`,
      "error: missing required argument 'repo'",
    ]);
  });

  it('--forcearch changes what is installable', async () => {
    const dir = join(work, 'arm');
    await buildRpms(
      [
        { name: 'cli-arm', version: '1', release: '1', arch: 'aarch64', provides: ['cli-arm-cap'] },
        { name: 'cli-arm-user', version: '1', release: '1', requires: ['cli-arm-cap'] },
      ],
      dir,
    );
    await exec('createrepo_c', ['-q', dir]);

    const x86 = await runFerry(['repo', 'closure', '--forcearch', 'x86_64', `arm,${dir}`]);
    const arm = await runFerry(['repo', 'closure', '--forcearch', 'aarch64', `arm,${dir}`]);

    expect(x86.stdout).toBe(
      'package: cli-arm-user-1-1.noarch from arm\n  unresolved deps (1):\n    cli-arm-cap\n',
    );
    expect(arm.code).toBe(0);
  });
});
