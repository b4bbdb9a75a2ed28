import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStore, TEST_DIALECTS } from '../../test/helpers/databases.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import {
  readLabel,
  renderCommitYaml,
  renderDeloreanRepo,
  renderVersionsCsv,
  shardedCommitDir,
  snapshotDir,
  switchLabel,
} from '../layout/index.js';
import { indexRepository } from '../repo/index.js';
import { FLAG_IMPORTED, type CommitRecord, type NewCommit, type Store } from '../store/index.js';
import type { ChasePackage } from './chase-model.js';
import type { PublishContext } from './publish-build.js';
import { toSnapshotCommit } from './publish-build.js';
import { reconcileLabels } from './recovery.js';

const NOW = 1_700_000_000;

const PKG: ChasePackage = {
  name: 'python-foo',
  project: 'foo',
  upstream: 'file:///nowhere',
  distgit: 'file:///nowhere',
  sourceBranch: 'master',
  distroBranch: 'rpm-master',
  distgitPath: '',
  component: null,
  maintainers: [],
  tagsOnly: false,
};

function build(word: string, extra: Partial<NewCommit> = {}): NewCommit {
  return {
    projectName: PKG.name,
    commitHash: word.repeat(40).slice(0, 40),
    distroHash: 'd'.repeat(40),
    status: 'SUCCESS',
    dtCommit: NOW,
    dtDistro: NOW,
    dtBuild: NOW,
    ...extra,
  };
}

/** A snapshot with every file a consumer reads (repodata over no RPM is still repodata), or without `omit`. */
async function writeSnapshot(reposDir: string, commit: CommitRecord, omit?: string): Promise<void> {
  const dir = snapshotDir(reposDir, commit);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'commit.yaml'), renderCommitYaml(toSnapshotCommit(commit)));
  await writeFile(join(dir, 'versions.csv'), renderVersionsCsv([]));
  await writeFile(
    join(dir, 'delorean.repo'),
    renderDeloreanRepo({
      projectName: commit.projectName,
      commitHash: commit.commitHash,
      baseurl: 'http://h/repos',
      shardedDir: shardedCommitDir(commit),
    }),
  );
  await indexRepository(dir, { oneShot: true });
  if (omit) await rm(join(dir, omit), { recursive: true });
}

describe.each(TEST_DIALECTS)('reconcileLabels on %s', (dialect) => {
  let store: Store;
  let ctx: PublishContext;

  beforeEach(async () => {
    store = await openTestStore(dialect, { clock: () => NOW });
    const root = await tempDir('ferry-recovery-');
    ctx = {
      store,
      workspaceRoot: root,
      reposDir: join(root, 'repos'),
      stateDir: join(root, '.ferry'),
      baseurl: 'http://h/repos',
      reponame: 'delorean',
      packages: [PKG],
      useComponents: false,
      repodata: { write: () => Promise.reject(new Error('not used')) },
    };
  });
  afterEach(async () => {
    await store.close();
  });

  it('never puts current on an imported build, nor on an incomplete snapshot, and says which it left', async () => {
    const own = await store.recordCommit(build('a'));
    const imported = await store.recordCommit(build('b', { flags: FLAG_IMPORTED }));
    await writeSnapshot(ctx.reposDir, own);
    await writeSnapshot(ctx.reposDir, imported);
    await switchLabel(ctx.reposDir, 'current', own);
    const damaged = await store.recordCommit(build('c'));
    await writeSnapshot(ctx.reposDir, damaged, 'repodata');
    const blocked: string[] = [];

    const fixed = await reconcileLabels(ctx, blocked);

    expect(fixed).toEqual([]);
    expect((await readLabel(ctx.reposDir, 'current'))?.dir).toBe(snapshotDir(ctx.reposDir, own));
    expect(blocked).toEqual([`current: repos/${shardedCommitDir(damaged)}: repodata/ is missing`]);

    await writeSnapshot(ctx.reposDir, damaged);
    expect(await reconcileLabels(ctx)).toEqual(['current']);
    expect((await readLabel(ctx.reposDir, 'current'))?.dir).toBe(snapshotDir(ctx.reposDir, damaged));
  });
});
