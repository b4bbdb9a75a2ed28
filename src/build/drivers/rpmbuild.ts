import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

import { FerryError } from '../../errors.js';
import { defineArgs } from '../../rpm/index.js';
import { asidePath } from '../../util/atomic-write.js';
import { exec } from '../../util/exec.js';
import { assertSafeName } from '../../util/names.js';
import type {
  BuildDriver,
  BuildDriverOptions,
  BuildFailureReason,
  BuildRequest,
  BuildResult,
} from '../build-driver.js';

export const RPMBUILD_DRIVER_ID = 'rpmbuild';

/** Options of the rpmbuild driver. */
export interface RpmbuildDriverOptions extends BuildDriverOptions {
  /** The rpmbuild program (default `rpmbuild` from PATH). */
  readonly rpmbuild?: string;
  /** Seconds between SIGTERM and SIGKILL when a build is stopped (default 10). */
  readonly killAfterSeconds?: number;
}

const TAIL_LINES = 100;
const TAIL_BYTES = 64 * 1024;

/** The last `lines` lines of a file (at most its last 64 KiB). */
async function fileTail(path: string, lines = TAIL_LINES): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return '';
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}

async function findFiles(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Puts a file into `dir` under its own name atomically (rename, or copy aside then rename across filesystems). */
async function moveInto(file: string, dir: string): Promise<string> {
  const target = join(dir, basename(file));
  const tmp = asidePath(target);
  try {
    await rename(file, tmp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(file, tmp);
  }
  await rename(tmp, target);
  return target;
}

function writeLine(log: WriteStream, text: string): void {
  log.write(`${text}\n`);
}

function closeLog(log: WriteStream): Promise<void> {
  return new Promise((done) => log.end(done));
}

interface StepOutcome {
  readonly ok: boolean;
  readonly reason?: BuildFailureReason;
  readonly message?: string;
}

/**
 * The default driver: plain rpmbuild in an isolated `_topdir` (its own
 * SOURCES, SPECS, BUILD, RPMS, SRPMS and HOME, so neither ~/rpmbuild nor
 * ~/.rpmmacros take part). It builds the SRPM (`rpmbuild -bs`) and then
 * rebuilds that SRPM (`rpmbuild --rebuild`), as DLRN builds the SRPM first
 * and the binaries from it: what is published can be rebuilt from the SRPM.
 * Every macro of the request is passed with `--define`, and `--nodeps`
 * because BuildRequires were checked by ferry against the snapshot and
 * lookaside repositories, not against this host's rpm database.
 *
 * The log is streamed to `logFile` while rpmbuild runs. rpmbuild runs under
 * coreutils `timeout`, which puts it in its own process group: on timeout or
 * abort the whole tree (rpmbuild, the %build shell, make, compilers) is
 * signalled, not only rpmbuild.
 */
export function createRpmbuildDriver(options: RpmbuildDriverOptions = {}): BuildDriver {
  const program = options.rpmbuild ?? 'rpmbuild';
  const killAfter = options.killAfterSeconds ?? 10;

  async function runStep(
    log: WriteStream,
    topdir: string,
    args: readonly string[],
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<StepOutcome> {
    const remaining = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    writeLine(log, `$ ${program} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
    try {
      const result = await exec(
        'timeout',
        [`--kill-after=${killAfter}s`, `${remaining}s`, program, ...args],
        {
          cwd: topdir,
          env: { ...process.env, HOME: topdir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
          allowFailure: true,
          // Backstop only: `timeout` stops the build first.
          timeoutMs: (remaining + killAfter + 30) * 1000,
          maxOutputBytes: TAIL_BYTES,
          onOutput: (chunk) => log.write(chunk),
          ...(signal === undefined ? {} : { signal }),
        },
      );
      if (signal?.aborted) return { ok: false, reason: 'aborted', message: 'build cancelled' };
      if (result.exitCode === 124 || result.timedOut || (result.exitCode === 137 && Date.now() >= deadline)) {
        return { ok: false, reason: 'timeout', message: `build timed out after ${remaining}s` };
      }
      if (result.exitCode !== 0) {
        const why = result.signal ? `killed by ${result.signal}` : `exited with ${result.exitCode ?? '?'}`;
        return { ok: false, reason: 'exit', message: `${program} ${why}` };
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async function build(request: BuildRequest): Promise<BuildResult> {
    assertSafeName(request.packageName, 'package name');
    const startedAt = new Date();
    const deadline = startedAt.getTime() + request.timeoutMs;
    const macros = defineArgs(request.macros);
    const outputDir = resolve(request.outputDir);
    await mkdir(outputDir, { recursive: true });
    await mkdir(dirname(resolve(request.logFile)), { recursive: true });
    const workRoot = options.workRoot ?? tmpdir();
    await mkdir(workRoot, { recursive: true });
    const topdir = await mkdtemp(join(workRoot, `ferry-rpmbuild-${request.packageName}-`));
    const log = createWriteStream(request.logFile, { flags: 'w' });
    let outcome: StepOutcome = { ok: false, reason: 'error', message: 'not started' };
    const rpms: string[] = [];
    let srpm: string | undefined;
    try {
      for (const sub of ['SOURCES', 'SPECS', 'BUILD', 'BUILDROOT', 'RPMS', 'SRPMS']) {
        await mkdir(join(topdir, sub));
      }
      const specStat = await stat(request.specPath).catch(() => undefined);
      if (!specStat?.isFile()) throw new FerryError('FERRY_NOT_FOUND', `no spec file ${request.specPath}`);
      await cp(request.sourcesDir, join(topdir, 'SOURCES'), { recursive: true });
      const spec = join(topdir, 'SPECS', basename(request.specPath));
      await copyFile(request.specPath, spec);
      writeLine(
        log,
        `ferry: building ${request.packageName} ${request.version}-${request.release} with rpmbuild`,
      );
      writeLine(log, `ferry: started ${startedAt.toISOString()}, topdir ${topdir}`);
      const common = ['--define', `_topdir ${topdir}`, ...macros, '--nodeps'];

      outcome = await runStep(log, topdir, ['-bs', ...common, spec], deadline, request.signal);
      const srpms = outcome.ok ? await findFiles(join(topdir, 'SRPMS'), '.src.rpm') : [];
      if (outcome.ok && srpms.length !== 1) {
        outcome = {
          ok: false,
          reason: 'no-packages',
          message: `rpmbuild -bs produced ${srpms.length} source rpms`,
        };
      }
      const built = srpms[0];
      if (outcome.ok && built !== undefined) {
        outcome = await runStep(log, topdir, ['--rebuild', ...common, built], deadline, request.signal);
        srpm = await moveInto(built, outputDir);
      }
      if (outcome.ok) {
        const produced = await findFiles(join(topdir, 'RPMS'), '.rpm');
        if (produced.length === 0) {
          outcome = { ok: false, reason: 'no-packages', message: 'rpmbuild produced no binary rpm' };
        }
        for (const file of produced) rpms.push(await moveInto(file, outputDir));
      }
    } catch (error) {
      outcome = {
        ok: false,
        reason: 'error',
        message: error instanceof Error ? error.message : String(error),
      };
    } finally {
      const finished = new Date();
      writeLine(
        log,
        `ferry: ${outcome.ok ? 'SUCCESS' : `FAILED (${outcome.reason ?? 'error'}): ${outcome.message ?? ''}`} at ${finished.toISOString()}`,
      );
      await closeLog(log);
      if (!options.keepWorkDir) await rm(topdir, { recursive: true, force: true });
    }
    const finishedAt = new Date();
    const logTail = await fileTail(request.logFile);
    const base = {
      driver: RPMBUILD_DRIVER_ID,
      logFile: request.logFile,
      logTail,
      startedAt,
      finishedAt,
      ...(srpm === undefined ? {} : { srpm }),
    };
    if (outcome.ok) return { ...base, status: 'SUCCESS', rpms: rpms.sort() };
    // A failed build publishes nothing: binaries it moved are removed again.
    await Promise.all(rpms.map((file) => rm(file, { force: true })));
    return {
      ...base,
      status: 'FAILED',
      rpms: [],
      reason: outcome.reason ?? 'error',
      ...(outcome.message === undefined ? {} : { message: outcome.message }),
    };
  }

  return { id: RPMBUILD_DRIVER_ID, build };
}
