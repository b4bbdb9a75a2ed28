import { shardedCommitDir } from '../../layout/index.js';
import type { CommitRecord } from '../../store/index.js';
import { escapeHtml, formatTime, page, pageLink, pager, raw, reposLink, table } from './html.js';
import type { PageOptions } from './vote-pages.js';

/** Version and release of a build from its NVR (`name-version-release`). */
export function versionRelease(nvr: string | null): { version: string; release: string } {
  if (!nvr) return { version: '', release: '' };
  const release = nvr.lastIndexOf('-');
  const version = release > 0 ? nvr.lastIndexOf('-', release - 1) : -1;
  if (release <= 0 || version <= 0) return { version: '', release: '' };
  return { version: nvr.slice(version + 1, release), release: nvr.slice(release + 1) };
}

/**
 * report.html: the newest builds, with links to their repositories and build
 * logs under baseurl (http, https or file: it is ferry's configuration).
 */
export function renderReportPage(
  commits: readonly CommitRecord[],
  baseurl: string,
  filter: { readonly packageName?: string | undefined; readonly status?: string | undefined },
  options: PageOptions,
): string {
  const rows = commits.map((commit) => {
    const { version, release } = versionRelease(commit.nvr);
    let dir: string | null = null;
    try {
      dir = shardedCommitDir(commit);
    } catch {
      dir = null;
    }
    const repoUrl = dir === null ? null : `${baseurl}/${dir}`;
    return {
      className: commit.status === 'SUCCESS' ? 'success' : 'failure',
      cells: [
        formatTime(commit.dtBuild),
        formatTime(commit.dtCommit),
        pageLink('report.html', { package_name: commit.projectName }, commit.projectName),
        version,
        release,
        commit.commitHash,
        commit.component ?? '',
        commit.status,
        commit.status === 'SUCCESS' && repoUrl && !commit.purged
          ? reposLink(repoUrl, 'repo')
          : commit.purged
            ? 'purged'
            : '',
        repoUrl && !commit.purged ? reposLink(`${repoUrl}/rpmbuild.log`, 'build log') : '',
      ],
    };
  });
  return page('Builds', `Detailed build report - ${options.title}`, [
    raw(
      filter.packageName
        ? `<p>Builds of ${pageLink('report.html', {}, 'all packages').html} / ${escapeHtml(filter.packageName)}</p>`
        : '',
    ),
    table(
      [
        'Build Date Time',
        'Commit Date Time',
        'Project Name',
        'Version',
        'Release',
        'Commit Hash',
        'Component',
        'Status',
        'Repository',
        'Build Log',
      ],
      rows,
    ),
    pager(
      'report.html',
      { package_name: filter.packageName, status: filter.status },
      options.offset,
      options.limit,
      commits.length,
    ),
  ]);
}
