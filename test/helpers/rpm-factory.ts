/**
 * The project's fixture generator: builds real RPMs with rpmbuild from a
 * declarative description, so tests never check in binaries and never mock rpm.
 *
 * Each source package becomes a spec file built in its own temporary _topdir
 * (binary packages with `rpmbuild -bb --target ARCH`, plus the source rpm with
 * `-ba` when asked). Builds run in parallel. Output is deterministic: the build
 * time and every file mtime are SOURCE_DATE_EPOCH, the build host is
 * `ferry-fixture`, HOME points into the temporary topdir so a user's
 * ~/.rpmmacros cannot leak in, and the payload of `sizeKiB` files comes from a
 * seeded cipher stream (incompressible but reproducible).
 *
 * @example
 *   const rpms = await buildRpms(
 *     [{ name: 'foo', version: '1.0', release: '1', requires: ['bar >= 2'],
 *        files: [{ path: '/usr/bin/foo', content: '#!/bin/sh\n' }] }],
 *     dir,
 *   );
 *   // rpms[0].path === `${dir}/foo-1.0-1.noarch.rpm`
 */
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { FerryError } from '../../src/errors.js';
import { exec } from '../../src/util/exec.js';
import type { FixtureSpec, GeneratedSpec } from './rpm-fixture-spec.js';
import { DEFAULT_SOURCE_DATE_EPOCH, generateSpec } from './rpm-fixture-spec.js';

export type {
  FixtureChangelogEntry,
  FixtureDependencies,
  FixtureFile,
  FixturePackageFields,
  FixtureSpec,
  FixtureSubpackage,
  RequireQualifier,
  ScriptletKind,
} from './rpm-fixture-spec.js';
export {
  DEFAULT_SOURCE_DATE_EPOCH,
  REQUIRE_QUALIFIERS,
  SCRIPTLET_KINDS,
  generateChangelog,
  writeFixtureSpec,
} from './rpm-fixture-spec.js';

export interface BuildRpmsOptions {
  /** Parallel rpmbuild processes (default: os.availableParallelism()). */
  readonly jobs?: number;
  /** SOURCE_DATE_EPOCH: build time and file mtimes (default 1700000000). */
  readonly sourceDateEpoch?: number;
  /** Copy every generated spec into this directory. */
  readonly keepSpecs?: string;
  /** Also build source rpms (`rpmbuild -ba`). */
  readonly srpm?: boolean;
  /** Extra `--define` macros, e.g. `{ _binary_payload: 'w9.gzdio' }`. */
  readonly defines?: Readonly<Record<string, string>>;
}

/** A package file written by buildRpms. */
export interface BuiltRpm {
  readonly path: string;
  readonly fileName: string;
  readonly name: string;
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
  /** `src` for a source rpm. */
  readonly arch: string;
  /** Name of the FixtureSpec (source package) it came from. */
  readonly sourceName: string;
  /** `name-version-release.src.rpm` of its source package. */
  readonly sourceRpm: string;
}

export const FIXTURE_BUILD_HOST = 'ferry-fixture';

/** Builds every spec, `jobs` at a time; resolves to the written packages in spec order (main, subpackages, source). */
export async function buildRpms(
  specs: readonly FixtureSpec[],
  outDir: string,
  options: BuildRpmsOptions = {},
): Promise<BuiltRpm[]> {
  // Specs first: a bad name is refused before anything is created on disk.
  const generated = specs.map((spec) => generateSpec(spec));
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  if (options.keepSpecs !== undefined) await mkdir(options.keepSpecs, { recursive: true });
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const results: BuiltRpm[][] = Array.from({ length: specs.length }, () => []);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      const index = next++;
      results[index] = await buildOne(specs[index]!, generated[index]!, out, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, specs.length) }, worker));
  return results.flat();
}

async function buildOne(
  spec: FixtureSpec,
  generated: GeneratedSpec,
  outDir: string,
  options: BuildRpmsOptions,
): Promise<BuiltRpm[]> {
  const arch = spec.arch ?? 'noarch';
  const specFileName = arch === 'noarch' ? `${spec.name}.spec` : `${spec.name}.${arch}.spec`;
  const top = await mkdtemp(join(tmpdir(), `ferry-rpm-${spec.name}-`));
  try {
    const sourceDir = join(top, 'SOURCES');
    const rpmDir = join(top, 'OUT');
    await Promise.all(['SOURCES', 'SPECS', 'BUILD', 'OUT'].map((d) => mkdir(join(top, d))));
    await Promise.all(generated.sources.map((s) => writeFile(join(sourceDir, s.fileName), s.data)));
    const specPath = join(top, 'SPECS', specFileName);
    await writeFile(specPath, generated.text);
    if (options.keepSpecs !== undefined) await copyFile(specPath, join(options.keepSpecs, specFileName));

    const epochSeconds = options.sourceDateEpoch ?? DEFAULT_SOURCE_DATE_EPOCH;
    const defines: Record<string, string> = {
      _topdir: top,
      _rpmdir: rpmDir,
      _srcrpmdir: rpmDir,
      _build_name_fmt: '%%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm',
      _buildhost: FIXTURE_BUILD_HOST,
      use_source_date_epoch_as_buildtime: '1',
      clamp_mtime_to_source_date_epoch: '1',
      __os_install_post: '%{nil}',
      __arch_install_post: '%{nil}',
      debug_package: '%{nil}',
      _build_id_links: 'none',
      ...options.defines,
    };
    const args = [options.srpm ? '-ba' : '-bb', '--nodeps', '--quiet', '--target', arch];
    for (const [key, value] of Object.entries(defines)) args.push('--define', `${key} ${value}`);
    args.push(specPath);
    const result = await exec('rpmbuild', args, {
      cwd: top,
      allowFailure: true,
      timeoutMs: 300_000,
      env: {
        ...process.env,
        SOURCE_DATE_EPOCH: String(epochSeconds),
        LC_ALL: 'C',
        TZ: 'UTC',
        HOME: top,
      },
    });
    if (result.exitCode !== 0) {
      const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
      throw new FerryError(
        'FERRY_BUILD_FAILED',
        `rpmbuild failed for fixture spec ${specFileName} (exit ${result.exitCode ?? result.signal}):\n${tail}`,
      );
    }

    const expected = expectedPackages(spec, options.srpm === true);
    const produced = new Set(await readdir(rpmDir));
    const built: BuiltRpm[] = [];
    for (const pkg of expected) {
      if (!produced.has(pkg.fileName)) {
        throw new FerryError(
          'FERRY_BUILD_FAILED',
          `rpmbuild did not write ${pkg.fileName} for fixture spec ${specFileName} (wrote: ${[...produced].join(', ') || 'nothing'})`,
        );
      }
      const path = join(outDir, pkg.fileName);
      await rename(join(rpmDir, pkg.fileName), path);
      built.push({ ...pkg, path });
    }
    return built;
  } finally {
    await rm(top, { recursive: true, force: true });
  }
}

function expectedPackages(spec: FixtureSpec, srpm: boolean): Omit<BuiltRpm, 'path'>[] {
  const arch = spec.arch ?? 'noarch';
  const evr = { epoch: spec.epoch ?? 0, version: spec.version, release: spec.release };
  const sourceRpm = `${spec.name}-${spec.version}-${spec.release}.src.rpm`;
  const one = (name: string, pkgArch: string): Omit<BuiltRpm, 'path'> => ({
    fileName: `${name}-${spec.version}-${spec.release}.${pkgArch}.rpm`,
    name,
    ...evr,
    arch: pkgArch,
    sourceName: spec.name,
    sourceRpm,
  });
  const list: Omit<BuiltRpm, 'path'>[] = [];
  if (spec.buildMainPackage !== false) list.push(one(spec.name, arch));
  for (const sub of spec.subpackages ?? []) list.push(one(sub.name, sub.arch ?? arch));
  if (srpm) list.push({ ...one(spec.name, 'src'), fileName: sourceRpm });
  return list;
}
