import type { FerryConfig } from '../config/index.js';
import { exec } from '../util/exec.js';

/** What a failure notification says (the JSON on the command's stdin and the webhook's body). */
export interface FailureNotice {
  readonly event: 'build-failed';
  readonly package: string;
  readonly maintainers: readonly string[];
  readonly commitHash: string;
  readonly distroHash: string;
  readonly component: string | null;
  readonly status: string;
  /** URL of the snapshot directory (baseurl + sharded path): logs are there. */
  readonly logUrl: string;
  readonly notes: string;
}

/**
 * Sends a failure notification: runs `notify.command` (a program path, no
 * shell: the notice is JSON on its stdin and FERRY_* variables) and/or POSTs
 * the JSON to `notify.webhook`. The caller has claimed the daily slot of the
 * package (store.claimNotification), so each package is notified at most
 * once a day. Returns what failed, if anything: a notification problem never
 * fails the build run.
 */
export async function sendFailureNotice(
  config: FerryConfig['notify'],
  notice: FailureNotice,
  options: { readonly timeoutMs?: number } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const body = `${JSON.stringify(notice)}\n`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (config.command) {
    try {
      await exec(config.command, [], {
        input: body,
        timeoutMs,
        env: {
          ...process.env,
          FERRY_EVENT: notice.event,
          FERRY_PACKAGE: notice.package,
          FERRY_COMMIT: notice.commitHash,
          FERRY_DISTRO_HASH: notice.distroHash,
          FERRY_STATUS: notice.status,
          FERRY_LOG_URL: notice.logUrl,
          FERRY_MAINTAINERS: notice.maintainers.join(','),
        },
      });
    } catch (error) {
      problems.push(`notify command: ${(error as Error).message}`);
    }
  }
  if (config.webhook) {
    try {
      const response = await fetch(config.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) problems.push(`notify webhook: HTTP ${response.status}`);
    } catch (error) {
      problems.push(`notify webhook: ${(error as Error).message}`);
    }
  }
  return problems;
}
