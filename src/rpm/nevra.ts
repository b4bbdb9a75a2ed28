/**
 * Package identifiers as text:
 * - NEVRA `name-[epoch:]version-release.arch` (dnf's form), also
 *   `epoch:name-version-release.arch` (rpm's and yum's older form);
 * - NEVR / NVR, the same without the arch (NVR: no epoch, as Koji tags use);
 * - rpm file names `name-version-release.arch.rpm`.
 *
 * Names may contain dashes (`python3-foo-bar`); version and release never do,
 * so the release is after the last `-` and the version after the one before.
 * The arch is after the last `.`. Formatting leaves a 0 epoch out, as dnf does.
 */
import { basename } from 'node:path';

import { FerryError } from '../errors.js';
import { isKnownArch } from './arch.js';

/** A package's identity. `epoch` is 0 when none was written. */
export interface Nevra {
  readonly name: string;
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
  readonly arch: string;
}

export type Nevr = Omit<Nevra, 'arch'>;
export type Nvr = Omit<Nevra, 'arch' | 'epoch'>;

const FORMS = {
  nevra: 'name-[epoch:]version-release.arch',
  nevr: 'name-[epoch:]version-release',
  nvr: 'name-version-release',
  file: 'name-version-release.arch.rpm',
} as const;

function invalid(text: string, form: keyof typeof FORMS, reason: string): never {
  throw new FerryError(
    'FERRY_USAGE',
    `invalid ${form === 'file' ? 'rpm file name' : form.toUpperCase()} ${JSON.stringify(text)}: ${reason} (expected ${FORMS[form]})`,
  );
}

const BAD_CHARACTERS = /[\s/\\]/;

function parseEpoch(text: string, digits: string, form: keyof typeof FORMS): number {
  if (!/^\d+$/.test(digits)) invalid(text, form, `epoch ${JSON.stringify(digits)} is not a number`);
  const epoch = Number(digits);
  if (!Number.isSafeInteger(epoch) || epoch > 0xffffffff) invalid(text, form, `epoch ${digits} is too large`);
  return epoch;
}

/** Splits `name-[epoch:]version-release`, with an optional leading `epoch:` before the name. */
function splitNevr(text: string, form: keyof typeof FORMS, allowEpoch: boolean): Nevr {
  if (text === '') invalid(text, form, 'empty');
  if (BAD_CHARACTERS.test(text)) invalid(text, form, 'blanks and slashes are not allowed');
  let body = text;
  let epoch: number | undefined;
  const leading = /^(\d+):/.exec(body);
  if (leading !== null) {
    if (!allowEpoch) invalid(text, form, 'no epoch allowed');
    epoch = parseEpoch(text, leading[1]!, form);
    body = body.slice(leading[0].length);
  }
  const lastDash = body.lastIndexOf('-');
  if (lastDash <= 0) invalid(text, form, 'no release');
  const release = body.slice(lastDash + 1);
  const secondDash = body.lastIndexOf('-', lastDash - 1);
  if (secondDash <= 0) invalid(text, form, 'no version');
  const name = body.slice(0, secondDash);
  let version = body.slice(secondDash + 1, lastDash);
  const colon = version.indexOf(':');
  if (colon >= 0) {
    if (!allowEpoch) invalid(text, form, 'no epoch allowed');
    if (epoch !== undefined) invalid(text, form, 'two epochs');
    epoch = parseEpoch(text, version.slice(0, colon), form);
    version = version.slice(colon + 1);
  }
  if (version === '') invalid(text, form, 'empty version');
  if (release === '') invalid(text, form, 'empty release');
  if (name === '') invalid(text, form, 'empty name');
  if (version.includes(':') || release.includes(':')) invalid(text, form, "misplaced ':'");
  return { name, epoch: epoch ?? 0, version, release };
}

function splitArch(text: string, form: keyof typeof FORMS): [string, string] {
  const dot = text.lastIndexOf('.');
  const arch = dot < 0 ? '' : text.slice(dot + 1);
  if (dot < 0 || arch === '') invalid(text, form, 'no architecture after the last "."');
  // A known architecture tells a NEVRA from a NEVR whose release has dots (foo-1-1.el9).
  if (!isKnownArch(arch)) invalid(text, form, `unknown architecture ${JSON.stringify(arch)}`);
  return [text.slice(0, dot), arch];
}

/**
 * Parses `name-[epoch:]version-release.arch` or `epoch:name-version-release.arch`.
 *
 * @example
 *   parseNevra('python3-foo-2:1.0-3.el9.noarch') // { name: 'python3-foo', epoch: 2, version: '1.0', release: '3.el9', arch: 'noarch' }
 */
export function parseNevra(text: string): Nevra {
  const [rest, arch] = splitArch(text, 'nevra');
  return { ...splitNevr(rest, 'nevra', true), arch };
}

/** Parses `name-[epoch:]version-release` (or `epoch:name-version-release`). */
export function parseNevr(text: string): Nevr {
  return splitNevr(text, 'nevr', true);
}

/** Parses `name-version-release` (no epoch). */
export function parseNvr(text: string): Nvr {
  const { name, version, release } = splitNevr(text, 'nvr', false);
  return { name, version, release };
}

/**
 * Parses an rpm file name `name-version-release.arch.rpm` (a path is reduced
 * to its last component). The epoch, absent from file names, is 0.
 *
 * @example
 *   parseRpmFileName('repo/foo-1.0-1.src.rpm') // { name: 'foo', epoch: 0, version: '1.0', release: '1', arch: 'src' }
 */
export function parseRpmFileName(path: string): Nevra {
  const file = basename(path);
  if (!file.endsWith('.rpm')) invalid(file, 'file', 'no .rpm suffix');
  const [rest, arch] = splitArch(file.slice(0, -'.rpm'.length), 'file');
  const { name, version, release } = splitNevr(rest, 'file', false);
  return { name, epoch: 0, version, release, arch };
}

function epochPrefix(epoch: number | undefined): string {
  return epoch === undefined || epoch === 0 ? '' : `${epoch}:`;
}

/**
 * `name-[epoch:]version-release.arch`, the epoch only when not 0 (dnf's form,
 * and the package field of `ferry repo closure --json`).
 */
export function formatNevra(nevra: Nevra): string {
  return `${nevra.name}-${epochPrefix(nevra.epoch)}${nevra.version}-${nevra.release}.${nevra.arch}`;
}

/** `name-[epoch:]version-release`. */
export function formatNevr(nevr: Nevr): string {
  return `${nevr.name}-${epochPrefix(nevr.epoch)}${nevr.version}-${nevr.release}`;
}

/** `name-version-release`. */
export function formatNvr(nvr: Nvr): string {
  return `${nvr.name}-${nvr.version}-${nvr.release}`;
}

/** The file name rpmbuild and createrepo_c use: `name-version-release.arch.rpm`. */
export function rpmFileName(nevra: Omit<Nevra, 'epoch'>): string {
  return `${nevra.name}-${nevra.version}-${nevra.release}.${nevra.arch}.rpm`;
}
