import { readFile, readdir, mkdir, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { gitRepo, mirrorOf, type TestRepo } from '../../test/helpers/git-factory.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { exec } from '../util/exec.js';
import { listRefs, resolveBranch } from './branch-resolution.js';
import { commitInfo, commitRange, listNewCommits, resolveCommit } from './commit-log.js';
import { describeCommit } from './git-describe.js';
import { packageSourcePaths, refreshMirror } from './git-mirror.js';
import { archiveCommit, exportTree, listFilesAt, readFileAt } from './git-tree.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('refreshMirror', () => {
  let upstream: TestRepo;
  let work: string;
  const hashes: string[] = [];

  beforeAll(async () => {
    upstream = await gitRepo({ branch: 'main' });
    hashes.push(await upstream.commit({ 'a.txt': 'one\n' }, 'First'));
    await upstream.tag('1.0.0', { annotated: true });
    await upstream.branch('stable/old');
    await upstream.branch('doomed');
    work = await tempDir('ferry-mirror-test-');
  });

  it('clones branches and tags into a bare mirror whose HEAD is the remote default branch', async () => {
    const dir = join(work, 'sources', 'pkg', 'upstream.git');

    const result = await refreshMirror({ url: upstream.dir, dir });
    const refs = await listRefs(dir);
    const head = await exec('git', ['-C', dir, 'symbolic-ref', 'HEAD']);
    const bare = await exec('git', ['-C', dir, 'rev-parse', '--is-bare-repository']);

    expect(result).toEqual({ dir, cloned: true });
    expect(refs.map((r) => `${r.kind}:${r.name}:${r.commit}`).sort()).toEqual(
      [
        `branch:doomed:${hashes[0]}`,
        `branch:main:${hashes[0]}`,
        `branch:stable/old:${hashes[0]}`,
        `tag:1.0.0:${hashes[0]}`,
      ].sort(),
    );
    expect(head.stdout.trim()).toBe('refs/heads/main');
    expect(bare.stdout.trim()).toBe('true');
  });

  it('fetches new commits, prunes deleted branches and follows moved tags', async () => {
    const dir = join(work, 'sources', 'pkg', 'upstream.git');
    hashes.push(await upstream.commit({ 'a.txt': 'two\n' }, 'Second'));
    await exec('git', ['-C', upstream.dir, 'branch', '-D', 'doomed']);
    await exec('git', ['-C', upstream.dir, 'tag', '-f', '1.0.0', hashes[1]!]);

    const result = await refreshMirror({ url: upstream.dir, dir });
    const refs = await listRefs(dir);

    expect(result).toEqual({ dir, cloned: false });
    expect(refs.map((r) => `${r.kind}:${r.name}:${r.commit}`).sort()).toEqual(
      [`branch:main:${hashes[1]}`, `branch:stable/old:${hashes[0]}`, `tag:1.0.0:${hashes[1]}`].sort(),
    );
  });

  it('replaces the mirror when the remote URL changed, and a directory that is not a mirror', async () => {
    const dir = join(work, 'sources', 'pkg', 'upstream.git');
    const other = await gitRepo();
    const otherHead = await other.commit({ 'b.txt': 'b\n' }, 'Other');
    const plain = join(work, 'not-a-mirror');
    await mkdir(plain, { recursive: true });
    await writeFile(join(plain, 'junk'), 'x');

    const changed = await refreshMirror({ url: other.dir, dir });
    const replaced = await refreshMirror({ url: other.dir, dir: plain });

    expect(changed).toEqual({ dir, cloned: true, replacedBecause: 'url-changed' });
    expect(await resolveCommit(dir, 'master')).toBe(otherHead);
    expect(replaced).toEqual({ dir: plain, cloned: true, replacedBecause: 'not-a-mirror' });
    expect(await exists(join(plain, 'junk'))).toBe(false);
  });

  it('leaves nothing behind when a clone fails, and removes leftovers of killed clones', async () => {
    const parent = join(work, 'sources', 'broken');
    const dir = join(parent, 'upstream.git');
    await mkdir(join(parent, '.upstream.git.999999999.0badf00d.tmp'), { recursive: true });

    const failure = await refreshMirror({ url: join(work, 'no-such-repo'), dir }).catch((e: unknown) => e);

    expect(failure).toMatchObject({ code: 'FERRY_VCS_FAILED' });
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses remotes that would run commands and package names that are not path-safe', async () => {
    await expect(
      refreshMirror({ url: 'ext::sh -c touch% /tmp/pwned', dir: join(work, 'x') }),
    ).rejects.toMatchObject({
      code: 'FERRY_VCS_FAILED',
    });
    expect(() => packageSourcePaths(work, '../etc')).toThrow(/invalid package name/);
    expect(packageSourcePaths('/ws/sources', 'python-foo')).toEqual({
      upstream: '/ws/sources/python-foo/upstream.git',
      distgit: '/ws/sources/python-foo/distgit.git',
    });
  });
});

describe('branches and history of a mirror', () => {
  let repo: TestRepo;
  let mirror: string;
  const main: string[] = [];
  let topic: string;
  let tagged: string;

  beforeAll(async () => {
    repo = await gitRepo();
    main.push(await repo.commit({ 'f.txt': '1\n' }, 'One'));
    await repo.branch('unmaintained/2023.1');
    await repo.tag('2022.2-eol');
    main.push(await repo.commit({ 'f.txt': '2\n' }, 'Two'));
    await repo.branch('topic', { checkout: true });
    topic = await repo.commit({ 't.txt': 't\n' }, 'Topic work');
    await repo.checkout('master');
    main.push(await repo.commit({ 'f.txt': '3\n' }, 'Three'));
    main.push(await repo.merge('topic', 'Merge topic'));
    tagged = await repo.commit({ 'f.txt': '5\n' }, 'Five');
    await repo.tag('2.0.0');
    main.push(tagged);
    mirror = await mirrorOf(repo.dir);
  });

  it('resolves a missing stable branch through DLRN aliases and fallbacks', async () => {
    const unmaintained = await resolveBranch(mirror, 'stable/2023.1');
    const eol = await resolveBranch(mirror, 'stable/2022.2');
    const fallback = await resolveBranch(mirror, 'stable/2025.1');
    const distgit = resolveBranch(mirror, 'caracal-rdo', { fallbacks: ['rpm-master'] });

    expect(unmaintained).toMatchObject({
      name: 'unmaintained/2023.1',
      kind: 'branch',
      commit: main[0],
      fellBack: true,
    });
    expect(eol).toMatchObject({ name: '2022.2-eol', kind: 'tag', commit: main[0], fellBack: true });
    expect(fallback).toMatchObject({ name: 'master', kind: 'branch', commit: tagged, fellBack: true });
    await expect(distgit).rejects.toThrow(
      /no branch caracal-rdo .*tried branch caracal-rdo, tag caracal-rdo, branch rpm-master/,
    );
  });

  it('lists only the head on a first run and with head-only', async () => {
    const first = await listNewCommits(mirror, { ref: 'refs/heads/master' });
    const headOnly = await listNewCommits(mirror, {
      ref: 'refs/heads/master',
      since: { hash: main[0]!, commitTime: 0 },
      headOnly: true,
    });

    expect(first.mode).toBe('head');
    expect(first.commits.map((c) => c.hash)).toEqual([tagged]);
    expect(headOnly.commits.map((c) => c.hash)).toEqual([tagged]);
  });

  it('lists first-parent commits after the last processed one, oldest first, with times and subjects', async () => {
    const since = await commitInfo(mirror, main[0]!);

    const listed = await listNewCommits(mirror, { ref: 'refs/heads/master', since });

    expect(listed.mode).toBe('range');
    expect(listed.commits.map((c) => [c.hash, c.subject])).toEqual([
      [main[1], 'Two'],
      [main[2], 'Three'],
      [main[3], 'Merge topic'],
      [tagged, 'Five'],
    ]);
    expect(listed.commits.map((c) => c.hash)).not.toContain(topic);
    const two = listed.commits[0]!;
    expect([two.authorTime, two.commitTime, two.author, two.authorEmail]).toEqual([
      since.commitTime + 60,
      since.commitTime + 60,
      'Ferry Demo',
      'demo@ferry.invalid',
    ]);
  });

  it('falls back to commit time when the last processed commit left the branch, and filters tagged commits', async () => {
    const rewritten = await listNewCommits(mirror, {
      ref: 'refs/heads/master',
      since: { hash: 'f'.repeat(40), commitTime: (await commitInfo(mirror, main[2]!)).commitTime },
    });
    const tags = await listNewCommits(mirror, {
      ref: 'refs/heads/master',
      since: await commitInfo(mirror, main[0]!),
      tagsOnly: true,
    });

    expect(rewritten.mode).toBe('after-time');
    expect(rewritten.commits.map((c) => c.hash)).toEqual([main[2], main[3], tagged]);
    expect(tags.commits.map((c) => c.hash)).toEqual([tagged]);
  });

  it('gives commit ranges between two hashes with subjects, and says when they are not in line', async () => {
    const range = await commitRange(mirror, main[1]!, tagged);
    const mainline = await commitRange(mirror, main[1]!, tagged, { firstParent: true });
    const backwards = await commitRange(mirror, tagged, main[1]!);

    expect(range.commits.map((c) => c.subject)).toEqual(['Topic work', 'Three', 'Merge topic', 'Five']);
    expect(range.fromIsAncestor).toBe(true);
    expect(mainline.commits.map((c) => c.subject)).toEqual(['Three', 'Merge topic', 'Five']);
    expect(backwards).toEqual({ commits: [], fromIsAncestor: false });
  });

  it('validates hashes and refs before they reach git', async () => {
    await expect(commitInfo(mirror, 'HEAD')).rejects.toThrow(/invalid commit hash/);
    await expect(listNewCommits(mirror, { ref: '--output=/tmp/x' })).rejects.toThrow(/invalid git revision/);
    await expect(commitRange(mirror, `${main[0]}..`, tagged)).rejects.toThrow(/invalid commit hash/);
  });

  it('describes commits with git describe', async () => {
    expect(await describeCommit(mirror, tagged, { tags: true })).toBe('2.0.0');
    expect(await describeCommit(mirror, main[1]!, { tags: true })).toMatch(/^2022\.2-eol-1-g[0-9a-f]{7}$/);
    expect(await describeCommit(mirror, main[1]!, { tags: true, exclude: ['*-eol'] })).toBeUndefined();
    expect(await describeCommit(mirror, tagged, { exactMatch: true })).toBeUndefined(); // lightweight tag
  });
});

describe('files of a commit', () => {
  let repo: TestRepo;
  let mirror: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    repo = await gitRepo();
    first = await repo.commit(
      { 'pkg.spec': 'Name: a\n', 'patches/0001.patch': 'p\n', 'build.sh': '#!/bin/sh\n' },
      'First',
    );
    second = await repo.commit({ 'pkg.spec': 'Name: b\n' }, 'Second');
    mirror = await mirrorOf(repo.dir);
  });

  it('reads and lists files at any commit without a checkout', async () => {
    expect(await readFileAt(mirror, first, 'pkg.spec')).toBe('Name: a\n');
    expect(await readFileAt(mirror, second, 'pkg.spec')).toBe('Name: b\n');
    expect(await readFileAt(mirror, first, 'missing')).toBeUndefined();
    expect(await readFileAt(mirror, first, 'patches')).toBeUndefined();
    expect((await listFilesAt(mirror, first)).map((e) => `${e.type}:${e.path}`)).toEqual([
      'blob:build.sh',
      'tree:patches',
      'blob:pkg.spec',
    ]);
    expect((await listFilesAt(mirror, first, 'patches')).map((e) => e.path)).toEqual(['patches/0001.patch']);
  });

  it('exports a tree and archives an exact commit reproducibly under a prefix', async () => {
    const out = await tempDir('ferry-tree-');
    const a = join(out, 'a', 'foo-1.0.tar.gz');
    const b = join(out, 'b', 'foo-1.0.tar.gz');

    await exportTree(mirror, first, join(out, 'export'));
    await archiveCommit(mirror, first, {
      prefix: 'foo-1.0',
      output: a,
      extraFiles: [{ name: 'PKG-INFO', content: 'Version: 1.0\n' }],
    });
    await archiveCommit(mirror, first, {
      prefix: 'foo-1.0',
      output: b,
      extraFiles: [{ name: 'PKG-INFO', content: 'Version: 1.0\n' }],
    });
    const listing = await exec('tar', ['-tzf', a]);
    const pkgInfo = await exec('tar', ['-xzOf', a, 'foo-1.0/PKG-INFO']);

    expect((await readdir(join(out, 'export'))).sort()).toEqual(['build.sh', 'patches', 'pkg.spec']);
    expect(await readFile(join(out, 'export', 'pkg.spec'), 'utf8')).toBe('Name: a\n');
    expect(listing.stdout.trim().split('\n').sort()).toEqual(
      [
        'foo-1.0/',
        'foo-1.0/PKG-INFO',
        'foo-1.0/build.sh',
        'foo-1.0/patches/',
        'foo-1.0/patches/0001.patch',
        'foo-1.0/pkg.spec',
      ].sort(),
    );
    expect(pkgInfo.stdout).toBe('Version: 1.0\n');
    expect(await readFile(a)).toEqual(await readFile(b));
    expect((await readdir(join(out, 'a'))).filter((f) => f.startsWith('.'))).toEqual([]);
    await expect(
      archiveCommit(mirror, first, { prefix: '../evil', output: join(out, 'x.tar.gz') }),
    ).rejects.toThrow(/invalid tarball prefix/);
  });
});
