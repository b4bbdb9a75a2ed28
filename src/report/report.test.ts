import { describe, expect, it } from 'vitest';

import type { VersionsRow } from '../layout/index.js';
import { specChangelog } from './diff-snapshots.js';
import { escapeHtml, renderBuildReport, renderStatusCsv, upstreamCommitUrl } from './html-report.js';
import { packageStatus, summarize, type ReportCommit } from './package-status.js';
import { addedChangelog, compareVersions } from './snapshot-diff.js';

const H = (c: string): string => c.repeat(40);

const build = (over: Partial<ReportCommit>): ReportCommit => ({
  id: 1,
  projectName: 'foo',
  commitHash: H('a'),
  distroHash: H('d'),
  extendedHash: null,
  component: null,
  status: 'SUCCESS',
  dtCommit: 1000,
  dtBuild: 2000,
  nvr: 'foo-1.0-1',
  artifacts: 'repos/aa/aa/x/foo-1.0-1.noarch.rpm,repos/aa/aa/x/foo-1.0-1.src.rpm',
  notes: 'OK',
  ...over,
});

describe('packageStatus', () => {
  it('reports a failing package with its first failure and days since the last success', () => {
    const status = packageStatus(
      {
        name: 'foo',
        component: null,
        last: build({ id: 3, status: 'FAILED', dtBuild: 10 * 86_400, notes: 'error: boom' }),
        lastSuccess: build({ id: 1, dtBuild: 86_400 }),
        firstFailure: build({ id: 2, commitHash: H('b'), status: 'FAILED', dtBuild: 5 * 86_400 }),
      },
      12 * 86_400,
    );

    expect(status).toMatchObject({
      state: 'FAILED',
      failingSince: 5 * 86_400,
      daysSinceSuccess: 11,
      notes: 'error: boom',
      firstFailure: { id: 2, commitHash: H('b'), snapshot: `repos/bb/bb/${H('b')}_dddddddd` },
    });
    expect(status.lastBuild?.log).toBe(`repos/aa/aa/${H('a')}_dddddddd/rpmbuild.log`);
  });

  it('counts states, NO_BUILD included', () => {
    const rows = [
      packageStatus(
        { name: 'a', component: null, last: build({}), lastSuccess: build({}), firstFailure: undefined },
        0,
      ),
      packageStatus(
        { name: 'b', component: null, last: undefined, lastSuccess: undefined, firstFailure: undefined },
        0,
      ),
    ];

    expect(summarize(rows)).toEqual({ total: 2, success: 1, failed: 0, retry: 0, noBuild: 1 });
    expect(rows[0]?.lastBuild?.artifacts).toHaveLength(2);
  });
});

describe('html report', () => {
  it('escapes what it shows and links snapshots and logs', () => {
    const html = renderBuildReport([build({ projectName: '<script>' })], { title: 'T&T' });

    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain(`href="aa/aa/${H('a')}_dddddddd/rpmbuild.log"`);
    expect(escapeHtml(`"'&`)).toBe('&#34;&#39;&#38;');
  });

  it('builds commit links as DLRN does', () => {
    expect(upstreamCommitUrl('https://github.com/openstack/nova.git')).toBe(
      'https://github.com/openstack/nova/commit/',
    );
    expect(upstreamCommitUrl('https://opendev.org/openstack/nova')).toBe(
      'https://opendev.org/openstack/nova/commit/',
    );
    expect(upstreamCommitUrl('/srv/git/foo')).toBeUndefined();
  });

  it('writes status_report.csv with DLRN columns', () => {
    const status = packageStatus(
      { name: 'foo', component: null, last: build({}), lastSuccess: build({}), firstFailure: undefined },
      0,
    );

    expect(
      renderStatusCsv({
        generatedAt: 0,
        summary: summarize([status]),
        labels: [],
        packages: [status],
        problems: [],
        storeProblems: [],
      }),
    ).toBe(
      'Project,Source Sha,Dist Sha,Extended Sha,Component,Status,Timestamp,Packages\n' +
        `foo,${H('a')},${H('d')},None,None,SUCCESS,2000,repos/aa/aa/x/foo-1.0-1.noarch.rpm|repos/aa/aa/x/foo-1.0-1.src.rpm\n`,
    );
  });
});

const row = (project: string, sourceSha: string, distSha: string): VersionsRow => ({
  project,
  sourceRepo: `https://x/${project}`,
  sourceSha,
  distRepo: `https://x/${project}-distgit`,
  distSha,
  status: 'SUCCESS',
  lastSuccessTimestamp: 1,
  component: null,
  extendedSha: null,
  nvr: `${project}-1`,
});

describe('compareVersions', () => {
  it('finds changed, added and removed packages', () => {
    const { changes, unchanged } = compareVersions(
      [row('a', H('1'), H('2')), row('b', H('1'), H('2')), row('c', H('1'), H('2'))],
      [row('a', H('3'), H('2')), row('b', H('1'), H('2')), row('d', H('1'), H('4'))],
    );

    expect(changes.map((c) => [c.name, c.change, c.upstreamChanged, c.distgitChanged])).toEqual([
      ['a', 'changed', true, false],
      ['c', 'removed', false, false],
      ['d', 'added', false, false],
    ]);
    expect(unchanged).toEqual(['b']);
  });
});

describe('spec changelog', () => {
  it('reads entries and keeps those added', () => {
    const before = '%changelog\n* Mon Jan 01 2024 A <a@x> - 1.0-1\n- First\n';
    const after =
      '%changelog\n* Tue Jan 02 2024 B <b@x> - 1.1-1\n- Second\n  more\n\n* Mon Jan 01 2024 A <a@x> - 1.0-1\n- First\n';

    expect(addedChangelog(specChangelog(before), specChangelog(after))).toEqual([
      { heading: 'Tue Jan 02 2024 B <b@x> - 1.1-1', text: '- Second\n  more' },
    ]);
  });
});
