import { join } from 'node:path';

import { writeFileAtomic } from '../util/atomic-write.js';
import {
  renderBuildReport,
  renderStatusCsv,
  renderStatusReport,
  renderStyles,
  type HtmlReportOptions,
} from './html-report.js';
import type { ReportCommit, StatusReport } from './package-status.js';

/** How many builds `report.html` lists (DLRN shows the last 300). */
export const REPORT_BUILDS = 300;

/**
 * Writes the static report into `repos/`: report.html (newest builds),
 * status_report.html and .csv (per package), status.json (the `ferry status
 * --json` document) and styles.css, each atomically.
 */
export async function writeReports(
  reposDir: string,
  data: { readonly recent: readonly ReportCommit[]; readonly status: StatusReport },
  options: HtmlReportOptions,
): Promise<string[]> {
  const files: [string, string][] = [
    ['styles.css', renderStyles()],
    ['report.html', renderBuildReport(data.recent, options)],
    ['status_report.html', renderStatusReport(data.status, options)],
    ['status_report.csv', renderStatusCsv(data.status)],
    ['status.json', `${JSON.stringify(data.status, null, 2)}\n`],
  ];
  await Promise.all(files.map(([name, text]) => writeFileAtomic(join(reposDir, name), text)));
  return files.map(([name]) => join(reposDir, name));
}
