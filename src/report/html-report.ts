import { shardedCommitDir } from '../layout/index.js';
import { formatUnixTime } from '../util/time-range.js';
import type { PackageStatus, ReportCommit, StatusReport } from './package-status.js';

/** Options shared by the static pages. */
export interface HtmlReportOptions {
  /** Shown in titles, e.g. the catalog release. */
  readonly title: string;
  /** URL prefix of upstream commits by package (`https://github.com/o/r/commit/`), when known. */
  readonly commitUrl?: (project: string) => string | undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as DLRN's strftime filter; total (a number no date can show is shown as it is). */
export function formatTime(seconds: number | null): string {
  return formatUnixTime(seconds);
}

/** DLRN's `get_commit_url`: cgit/GitHub/opendev commit links, else the repository URL itself. */
export function upstreamCommitUrl(upstream: string | undefined): string | undefined {
  if (!upstream) return undefined;
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return undefined;
  }
  const path = url.pathname.replace(/\.git$/, '');
  if (url.host === 'git.openstack.org') return `http://${url.host}/cgit${path}/commit/?id=`;
  if (url.host === 'github.com' || url.host === 'opendev.org') return `https://${url.host}${path}/commit/`;
  return undefined;
}

const STYLES = `body{font-family:sans-serif;margin:1.5em;color:#1b1d21}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #d2d2d2;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}tr.failure{background:#fde8e8}tr.retry{background:#fff6d6}
code,.commit{font-family:monospace}.muted{color:#6a6e73}
nav a{margin-right:1em}
`;

/** The stylesheet the pages link (`repos/styles.css`). */
export function renderStyles(): string {
  return STYLES;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="styles.css">
  </head>
  <body>
    <nav><a href="report.html">builds</a><a href="status_report.html">package status</a><a href="status_report.csv">status (csv)</a></nav>
${body}
  </body>
</html>
`;
}

function commitCell(commit: ReportCommit, options: HtmlReportOptions): string {
  const prefix = options.commitUrl?.(commit.projectName);
  const hash = escapeHtml(commit.commitHash);
  return prefix ? `<a href="${escapeHtml(prefix)}${hash}">${hash}</a>` : hash;
}

/**
 * `repos/report.html`: the newest builds (DLRN shows the last 300, RETRY
 * excluded), newest first, each with its snapshot and build log.
 */
export function renderBuildReport(commits: readonly ReportCommit[], options: HtmlReportOptions): string {
  const rows = commits
    .map((c) => {
      const dir = escapeHtml(shardedCommitDir(c));
      const cls = c.status === 'SUCCESS' ? '' : c.status === 'RETRY' ? ' class="retry"' : ' class="failure"';
      return `      <tr${cls}>
        <td>${formatTime(c.dtBuild)}</td>
        <td>${formatTime(c.dtCommit)}</td>
        <td>${escapeHtml(c.projectName)}</td>
        <td class="commit">${commitCell(c, options)}</td>
        <td>${escapeHtml(c.component ?? '')}</td>
        <td>${escapeHtml(c.status)}</td>
        <td>${c.purged ? '<span class="muted">purged</span>' : `<a href="${dir}">repo</a>`}</td>
        <td>${c.purged ? '' : `<a href="${dir}/rpmbuild.log">build log</a>`}</td>
      </tr>`;
    })
    .join('\n');
  return page(
    `${options.title}: builds`,
    `    <h1>${escapeHtml(options.title)}: builds</h1>
    <table id="builds">
      <thead><tr><th>Build Date Time</th><th>Commit Date Time</th><th>Project Name</th><th>Commit Hash</th><th>Component</th><th>Status</th><th>Repository</th><th>Build Log</th></tr></thead>
      <tbody>
${rows}
      </tbody>
    </table>`,
  );
}

function statusRow(p: PackageStatus): string {
  const cls = p.state === 'FAILED' ? ' class="failure"' : p.state === 'RETRY' ? ' class="retry"' : '';
  const last = p.lastBuild;
  const state = last ? `<a href="${escapeHtml(last.log.slice('repos/'.length))}">${p.state}</a>` : p.state;
  const failure = p.firstFailure
    ? `<span class="commit">${escapeHtml(p.firstFailure.commitHash)}</span> (<a href="${escapeHtml(
        p.firstFailure.log.slice('repos/'.length),
      )}">build log</a>) since ${formatTime(p.failingSince)}`
    : '';
  const days =
    p.state !== 'FAILED' ? '' : p.daysSinceSuccess === null ? 'Never' : `${p.daysSinceSuccess} days`;
  return `      <tr${cls}>
        <td>${escapeHtml(p.name)}</td>
        <td>${escapeHtml(p.component ?? '')}</td>
        <td>${escapeHtml(last?.nvr ?? '')}</td>
        <td class="commit">${escapeHtml(last?.commitHash ?? '')}</td>
        <td>${state}</td>
        <td>${failure}</td>
        <td>${days}</td>
      </tr>`;
}

/** `repos/status_report.html`: one line per package, failing ones with their first failure. */
export function renderStatusReport(report: StatusReport, options: HtmlReportOptions): string {
  const s = report.summary;
  const labels = report.labels
    .map(
      (l) =>
        `      <li><b>${escapeHtml(l.component ? `component/${l.component}/${l.label}` : l.label)}</b> → <a href="${escapeHtml(
          l.snapshot.slice('repos/'.length),
        )}">${escapeHtml(l.snapshot)}</a>${l.project ? ` (${escapeHtml(l.project)})` : ''}</li>`,
    )
    .join('\n');
  return page(
    `${options.title}: package status`,
    `    <h1>${escapeHtml(options.title)}: package status</h1>
    <p>${s.total} packages: ${s.success} succeeding, ${s.failed} failing, ${s.retry} to retry, ${s.noBuild} never built. Generated ${formatTime(report.generatedAt)} UTC.</p>
    <ul>
${labels}
    </ul>
    <table id="status">
      <thead><tr><th>Project Name</th><th>Component</th><th>NVR</th><th>Source SHA</th><th>Status</th><th>First failure after success</th><th>Days since last success</th></tr></thead>
      <tbody>
${report.packages.map(statusRow).join('\n')}
      </tbody>
    </table>`,
  );
}

/** `repos/status_report.csv`, DLRN's columns. */
export function renderStatusCsv(report: StatusReport): string {
  const lines = ['Project,Source Sha,Dist Sha,Extended Sha,Component,Status,Timestamp,Packages'];
  for (const p of report.packages) {
    const b = p.lastBuild;
    if (!b) continue;
    lines.push(
      [
        p.name,
        b.commitHash,
        b.distroHash,
        b.extendedHash ?? 'None',
        p.component ?? 'None',
        b.status,
        b.dtBuild ?? 'None',
        b.artifacts.join('|'),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
