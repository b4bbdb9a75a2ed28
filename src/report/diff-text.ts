import type { DiffReport } from './diff-snapshots.js';
import type { PackageDiff } from './snapshot-diff.js';

function formatPackage(p: PackageDiff): string[] {
  const lines: string[] = [];
  const nvr = (side: PackageDiff['from']): string => side?.nvr || side?.sourceSha.slice(0, 7) || '';
  if (p.change === 'added') return [`+ ${p.name} ${nvr(p.to)} (added)`];
  if (p.change === 'removed') return [`- ${p.name} ${nvr(p.from)} (removed)`];
  lines.push(`~ ${p.name} ${nvr(p.from)} -> ${nvr(p.to)}`);
  if (p.upstreamChanged) {
    const range = `${p.from!.sourceSha.slice(0, 7)}..${p.to!.sourceSha.slice(0, 7)}`;
    if (p.upstreamCommits === null) lines.push(`    upstream ${range}`);
    else {
      lines.push(
        `    upstream ${range}: ${p.upstreamCommits.length} commit${p.upstreamCommits.length === 1 ? '' : 's'}${p.upstreamRollback ? ' (not a descendant: rollback or rewritten history)' : ''}`,
      );
      for (const c of p.upstreamCommits) lines.push(`      ${c.hash.slice(0, 7)} ${c.subject}`);
    }
  }
  if (p.distgitChanged) {
    lines.push(`    distgit ${p.from!.distSha?.slice(0, 7) ?? ''}..${p.to!.distSha?.slice(0, 7) ?? ''}`);
    for (const c of p.distgitCommits ?? []) lines.push(`      ${c.hash.slice(0, 7)} ${c.subject}`);
    if (p.changelog && p.changelog.length > 0) {
      lines.push('    changelog added:');
      for (const e of p.changelog) {
        lines.push(`      * ${e.heading}`);
        for (const l of e.text.split('\n')) lines.push(`        ${l}`);
      }
    }
  }
  for (const note of p.notes) lines.push(`    (${note})`);
  return lines;
}

/** The human form of `ferry diff` (pure). */
export function renderDiffText(report: DiffReport): string {
  const side = (s: DiffReport['from']): string => `${s.ref} (${s.snapshot})`;
  const lines = [`${side(report.from)} -> ${side(report.to)}`];
  if (report.packages.length === 0) lines.push('no package changed');
  for (const p of report.packages) lines.push(...formatPackage(p));
  lines.push(`${report.unchanged.length} package${report.unchanged.length === 1 ? '' : 's'} unchanged`);
  return `${lines.join('\n')}\n`;
}
