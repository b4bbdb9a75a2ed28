import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

import { runChaser, type BuildReport, type ChaseEvent, type ChaseReport } from '../chase/index.js';
import { closureSummary, parseRepoSpec, repoClosure } from '../closure/index.js';
import { openWorkspace } from '../config/index.js';
import { FerryError } from '../errors.js';
import { readAggregateHash, readLabel } from '../layout/index.js';
import { diffSnapshots, failureCause, renderDiffText } from '../report/index.js';
import { openStore } from '../store/index.js';
import {
  API_STAGE_STORY,
  API_STAGE_TITLE,
  DEMO_API_USER,
  runApiStage,
  type DemoApiReport,
} from './demo-api-stage.js';
import { DEMO_PACKAGES, DEMO_STAGES, STAGE_STORIES } from './demo-packages.js';
import { applyDemoStage, createDemoWorkspace } from './demo-workspace.js';

/** Marks a directory as a demo workspace, so a later `ferry demo` may replace it. */
const DEMO_MARK = 'Written by `ferry demo`';

export interface DemoOptions {
  readonly dir: string;
  readonly write: (text: string) => void;
  /** Builds at once (default 2). */
  readonly workers?: number;
}

/** What the demo did, for tests and `--json`. */
export interface DemoReport {
  readonly dir: string;
  /** Dependencies of the consistent snapshots nothing provides (empty: closure holds). */
  readonly unresolved: readonly { readonly package: string; readonly dependencies: readonly string[] }[];
  readonly stages: readonly { readonly stage: string; readonly builds: readonly BuildReport[] }[];
  readonly labels: readonly { readonly label: string; readonly snapshot: string | null }[];
  /** The last stage: a CI vote and a promotion over the API. */
  readonly api: DemoApiReport;
}

async function prepareDirectory(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => null);
  if (entries === null || entries.length === 0) return;
  const config = await readFile(join(dir, 'ferry.yaml'), 'utf8').catch(() => '');
  if (!config.includes(DEMO_MARK)) {
    throw new FerryError(
      'FERRY_USAGE',
      `${dir} is not empty and is not a ferry demo workspace; choose another directory with --dir`,
    );
  }
  await rm(dir, { recursive: true, force: true });
}

const short = (hash: string): string => hash.slice(0, 7);

function describeBuild(b: BuildReport, total: number, index: number): string {
  const what = b.reason === 'distgit-change' ? 'packaging change' : b.reason.replace('-', ' ');
  const status = b.status.padEnd(7);
  const where = b.labels.length > 0 ? `  moved ${b.labels.join(', ')}` : '';
  const waiting = [...b.failing.map((n) => `${n} failing`), ...b.unbuilt.map((n) => `${n} not built yet`)];
  const kept =
    b.status === 'SUCCESS' && waiting.length > 0 ? `\n        consistent stays: ${waiting.join(', ')}` : '';
  const why =
    b.status === 'SUCCESS'
      ? kept
      : `\n        ${failureCause(b.notes ?? '')}\n        log: ${b.snapshot ?? ''}/rpmbuild.log`;
  return `  [${index + 1}/${total}] ${b.package.padEnd(18)} ${short(b.commitHash)} ${what.padEnd(16)} ${status} ${String(b.seconds).padStart(4)}s${where}\n        "${b.subject}"${why}\n`;
}

/**
 * `ferry demo`: writes a workspace with a five-package catalog (rdoinfo
 * format) and real upstream and distgit repositories, then runs the chaser
 * over three stages of history (first builds; new commits with a build
 * failure and a packaging-only change; the fix), then votes on the result
 * and promotes it over the API as CI would, printing what happened and where
 * to look.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const dir = resolve(options.dir);
  const out = options.write;
  await prepareDirectory(dir);
  // Commit dates: a few hours ago, one minute apart, so the history reads naturally and orders builds.
  let date = Math.floor(Date.now() / 1000) - 4 * 3600;
  const clock = (): number => (date += 60);
  out(`ferry demo: writing a sample distribution into ${dir}\n`);
  await createDemoWorkspace(dir, clock);
  out(
    `  ${DEMO_PACKAGES.length} packages in catalog/demo.yml (rdoinfo format), components ` +
      `${[...new Set(DEMO_PACKAGES.map((p) => p.component))].join(' and ')}; upstream and distgit repositories under git/\n`,
  );
  const workspace = await openWorkspace(dir);
  const components = [...new Set(DEMO_PACKAGES.map((p) => p.component))].sort();
  const stageCount = DEMO_STAGES.length + 1;
  const stages: { stage: string; builds: BuildReport[] }[] = [];
  let firstAggregate: string | null = null;
  for (const [i, stage] of DEMO_STAGES.entries()) {
    if (stage !== 'initial') {
      date = Math.max(date, Math.floor(Date.now() / 1000) - (DEMO_STAGES.length - i) * 1800);
      await applyDemoStage(dir, stage, clock);
    }
    out(`\n== Stage ${i + 1}/${stageCount}: ${stage}\n${STAGE_STORIES[stage]}\n`);
    out('  ferry chase --once\n');
    let total = 0;
    const onEvent = (event: ChaseEvent): void => {
      if (event.type === 'queued') {
        total = event.builds.length;
        out(
          `  ${total} build${total === 1 ? '' : 's'} queued: ${event.builds.map((b) => b.packageName.replace('ferry-demo-', '')).join(', ')}\n`,
        );
        for (const cycle of event.cycles) out(`  build dependency cycle: ${cycle.join(' -> ')}\n`);
      } else if (event.type === 'published') {
        out(describeBuild(event.report, total, event.index));
      } else if (event.type === 'skipped') {
        out(`  skipped ${event.package}: ${event.reason}\n`);
      }
    };
    const [report] = (await runChaser(workspace, { workers: options.workers ?? 2, onEvent })) as [
      ChaseReport,
    ];
    stages.push({ stage, builds: [...report.builds] });
    if (stage === 'initial') firstAggregate = await readAggregateHash(workspace.reposDir, 'current');
  }

  out(`\n== Stage ${stageCount}/${stageCount}: ${API_STAGE_TITLE}\n${API_STAGE_STORY}\n`);
  const api = await runApiStage(workspace, out, components);

  if (firstAggregate) {
    out(`\n== What changed since the first stage: ferry diff ${firstAggregate} current\n`);
    const store = await openStore(workspace.databaseUrl);
    try {
      const diff = await diffSnapshots(
        { workspaceRoot: dir, reposDir: workspace.reposDir, sourcesDir: workspace.sourcesDir },
        store,
        firstAggregate,
        'current',
      );
      out(renderDiffText(diff).replace(/^(?=.)/gm, '  '));
    } finally {
      await store.close();
    }
  }

  const consistentDirs = (
    await Promise.all(components.map((c) => readLabel(workspace.reposDir, 'consistent', c)))
  ).flatMap((l) => (l ? [l] : []));
  const closure = await repoClosure({
    repos: consistentDirs.map((l) => parseRepoSpec(`${l.component ?? 'repo'},${l.dir}`)),
    lookaside: [parseRepoSpec(`os,${join(dir, 'lookaside')}`)],
  });
  out(
    `\n== Dependency closure of the consistent snapshots (with the OS lookaside, as dnf repoclosure)\n  ${closureSummary(closure)}\n`,
  );
  for (const u of closure.unresolved) out(`  ${u.package}: ${u.dependencies.join(', ')}\n`);

  const labels: { label: string; snapshot: string | null }[] = [];
  out('\n== Where to look\n');
  for (const component of components) {
    for (const label of ['current', 'consistent']) {
      const target = await readLabel(workspace.reposDir, label, component);
      const snapshot = target ? relative(dir, target.dir) : null;
      labels.push({ label: `component/${component}/${label}`, snapshot });
      out(`  repos/component/${component}/${label.padEnd(10)} -> ${snapshot ?? '(none yet)'}\n`);
    }
  }
  for (const label of ['current', 'consistent']) {
    const hash = await readAggregateHash(workspace.reposDir, label);
    out(
      `  repos/${label}/delorean.repo  joins the components' ${label} (aggregate hash ${hash ?? 'none'})\n`,
    );
  }
  out(
    [
      '',
      `  report:   ${join(dir, 'repos', 'status_report.html')} and repos/report.html`,
      `  try:      cd ${dir}`,
      '            ferry status                       per package: last build, failing since',
      '            ferry diff consistent current      what changed between two labels (or hashes)',
      `            ferry user passwd ${DEMO_API_USER}          a password you know; then ferry serve, and dlrnapi as above`,
      '            dnf --releasever 9 --setopt=reposdir=$PWD/repos/consistent --setopt=cachedir=$(mktemp -d) repoquery',
      '',
    ].join('\n'),
  );
  return {
    dir,
    stages,
    labels,
    unresolved: closure.unresolved.map((u) => ({ package: u.package, dependencies: u.dependencies })),
    api,
  };
}
