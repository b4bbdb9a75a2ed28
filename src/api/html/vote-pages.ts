import type {
  AggregateVoteRecord,
  AggregateVoteSummary,
  CiVoteRecord,
  CommitRecord,
  RepoVoteSummary,
} from '../../store/index.js';
import {
  counted,
  escapeHtml,
  externalLink,
  formatTime,
  page,
  pageLink,
  pager,
  raw,
  table,
  type Html,
} from './html.js';

/**
 * DLRN's vote pages (civotes, civotes_detail, civotes_agg,
 * civotes_agg_detail), rendered on the server from the store: DLRN fills the
 * detail pages with JavaScript from a CDN querying GraphQL; these work
 * without scripts. Every value is escaped, and only http(s) result URLs are
 * links.
 */

export interface PageOptions {
  readonly title: string;
  readonly offset: number;
  readonly limit: number;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** civotes.html: the newest votes grouped by snapshot. */
export function renderCiVotesPage(
  rows: readonly RepoVoteSummary[],
  count: number,
  options: PageOptions,
): string {
  const body = table(
    ['Repo hash (commit_distro)', 'Component', 'Last timestamp', 'Successful jobs', 'Failed jobs'],
    rows.map((row) => {
      const hashes = { commit_hash: row.commitHash, distro_hash: row.distroHash };
      return {
        className: row.failure !== 0 ? 'failure' : undefined,
        cells: [
          pageLink('civotes_detail.html', hashes, `${row.commitHash}_${row.distroHash.slice(0, 8)}`),
          row.component ? pageLink('civotes_detail.html', { component: row.component }, row.component) : '',
          formatTime(row.timestamp),
          pageLink('civotes_detail.html', { ...hashes, success: 'True' }, row.success),
          pageLink('civotes_detail.html', { ...hashes, success: 'False' }, row.failure),
        ],
      };
    }),
  );
  return page('CI Votes', capitalize(options.title), [
    raw(`<p>${escapeHtml(counted(count, 'vote'))}, newest first.</p>`),
    body,
    pager('civotes.html', {}, options.offset, options.limit, count),
  ]);
}

/** What a civotes_detail page was asked for. */
export interface VoteDetailFilter {
  readonly commitHash?: string | undefined;
  readonly distroHash?: string | undefined;
  readonly component?: string | undefined;
  readonly ciName?: string | undefined;
  readonly success?: boolean | undefined;
}

/** civotes_detail.html: the votes matching a snapshot, a component or a CI name. */
export function renderCiVotesDetailPage(
  votes: readonly CiVoteRecord[],
  commits: ReadonlyMap<number, CommitRecord>,
  filter: VoteDetailFilter,
  options: PageOptions,
): string {
  const rows = votes.map((vote) => {
    const commit = commits.get(vote.commitId);
    return {
      className: vote.ciInProgress ? undefined : vote.ciVote ? 'success' : 'failure',
      cells: [
        vote.ciName ? pageLink('civotes_detail.html', { ci_name: vote.ciName }, vote.ciName) : '',
        commit
          ? pageLink(
              'civotes_detail.html',
              { commit_hash: commit.commitHash, distro_hash: commit.distroHash },
              `${commit.commitHash}_${commit.distroHash.slice(0, 8)}`,
            )
          : '',
        vote.component ?? '',
        externalLink(vote.ciUrl),
        vote.ciVote ? 'SUCCESS' : 'FAILURE',
        vote.ciInProgress ? 'yes' : 'no',
        formatTime(vote.timestamp),
        vote.notes ?? '',
      ],
    };
  });
  const what: Html[] = [];
  if (filter.commitHash)
    what.push(
      raw(
        `<p>Repository <code>${escapeHtml(`${filter.commitHash}_${(filter.distroHash ?? '').slice(0, 8)}`)}</code></p>`,
      ),
    );
  const params = {
    commit_hash: filter.commitHash,
    distro_hash: filter.distroHash,
    component: filter.component,
    ci_name: filter.ciName,
    success: filter.success === undefined ? undefined : filter.success ? 'True' : 'False',
  };
  return page('CI Votes', capitalize(options.title), [
    ...what,
    table(
      [
        'CI Name',
        'Repo hash (commit_distro)',
        'Component',
        'Results URL',
        'Vote',
        'In Progress?',
        'Timestamp',
        'Notes',
      ],
      rows,
    ),
    pager('civotes_detail.html', params, options.offset, options.limit, votes.length),
  ]);
}

/** civotes_agg.html: the newest aggregate votes grouped by aggregate hash. */
export function renderCiVotesAggPage(
  rows: readonly AggregateVoteSummary[],
  count: number,
  options: PageOptions,
): string {
  const body = table(
    ['Aggregate hash', 'Last timestamp', 'Successful jobs', 'Failed jobs'],
    rows.map((row) => ({
      className: row.failure !== 0 ? 'failure' : undefined,
      cells: [
        pageLink('civotes_agg_detail.html', { ref_hash: row.refHash }, row.refHash),
        formatTime(row.timestamp),
        pageLink('civotes_agg_detail.html', { ref_hash: row.refHash, success: 'True' }, row.success),
        pageLink('civotes_agg_detail.html', { ref_hash: row.refHash, success: 'False' }, row.failure),
      ],
    })),
  );
  return page('CI Votes for Aggregates', capitalize(options.title), [
    raw(`<p>${escapeHtml(counted(count, 'vote'))}, newest first.</p>`),
    body,
    pager('civotes_agg.html', {}, options.offset, options.limit, count),
  ]);
}

/** civotes_agg_detail.html: the votes on one aggregate hash or by one CI. */
export function renderCiVotesAggDetailPage(
  votes: readonly AggregateVoteRecord[],
  filter: {
    readonly refHash?: string | undefined;
    readonly ciName?: string | undefined;
    readonly success?: boolean | undefined;
  },
  options: PageOptions,
): string {
  const rows = votes.map((vote) => ({
    className: vote.ciInProgress ? undefined : vote.ciVote ? 'success' : 'failure',
    cells: [
      vote.ciName ? pageLink('civotes_agg_detail.html', { ci_name: vote.ciName }, vote.ciName) : '',
      pageLink('civotes_agg_detail.html', { ref_hash: vote.refHash }, vote.refHash),
      externalLink(vote.ciUrl),
      vote.ciVote ? 'SUCCESS' : 'FAILURE',
      vote.ciInProgress ? 'yes' : 'no',
      formatTime(vote.timestamp),
      vote.notes ?? '',
    ],
  }));
  const params = {
    ref_hash: filter.refHash,
    ci_name: filter.ciName,
    success: filter.success === undefined ? undefined : filter.success ? 'True' : 'False',
  };
  return page('CI Votes for Aggregates', capitalize(options.title), [
    table(['CI Name', 'Aggregate hash', 'Results URL', 'Vote', 'In Progress?', 'Timestamp', 'Notes'], rows),
    pager('civotes_agg_detail.html', params, options.offset, options.limit, votes.length),
  ]);
}
