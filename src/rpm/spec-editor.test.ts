import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers/temp-dir.js';
import { sampleSpec } from '../build/index.js';
import { exec } from '../util/exec.js';
import { editSpecForBuild, writeBuildSpec } from './spec-editor.js';

const EDITS = {
  version: '1.0.1',
  release: '0.20240305070809.d7f1b84',
  upstreamVersion: '1.0.1.dev3',
  source0: 'foo-1.0.1.dev3-0.20240305070809.d7f1b84.tar.gz',
  dlrnNvr: 'foo-1.0.1.dev3-0.20240305070809.d7f1b84',
} as const;

describe('editSpecForBuild', () => {
  it('sets the build NVR and sources in a copy of the spec, and rpm sees them', async () => {
    const dir = await tempDir('ferry-spec-edit-');
    const original = join(dir, 'distgit', 'foo.spec');
    const copy = join(dir, 'build', 'foo.spec');
    const text = sampleSpec({ name: 'foo', style: 'plain', patches: ['0001-Add-distro-note.patch'] });
    await exec('mkdir', ['-p', join(dir, 'distgit')]);
    await writeFile(original, text);

    await writeBuildSpec(original, copy, EDITS);
    const query = await exec('rpmspec', [
      '--define',
      'dist .el9',
      '-q',
      '--srpm',
      '--qf',
      '%{name}|%{version}|%{release}|[%{source}]|[%{patch}]\n',
      copy,
    ]);
    const parsed = await exec('rpmspec', ['--define', 'dist .el9', '-P', copy]);
    const edited = await readFile(copy, 'utf8');

    expect(await readFile(original, 'utf8')).toBe(text);
    expect(query.stdout.trim()).toBe(
      `foo|1.0.1|0.20240305070809.d7f1b84.el9|${EDITS.source0}|0001-Add-distro-note.patch`,
    );
    expect(edited.split('\n').slice(0, 3)).toEqual([
      `%global dlrn_nvr ${EDITS.dlrnNvr}`,
      '%global dlrn 1',
      '%define upstream_version 1.0.1.dev3',
    ]);
    expect(edited.trimEnd().endsWith('%changelog')).toBe(true);
    expect(parsed.stdout).toMatch(/^cd 'foo-1\.0\.1\.dev3'$/m);
    expect((await readdir(join(dir, 'build'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('edits only preamble tags and keeps existing definitions in place', () => {
    const text = [
      '%global dlrn 0',
      '%global upstream_version 0.9',
      'Name: foo',
      'Version:    0.9',
      'release: 7',
      'Source: foo.tar.gz',
      'Source1: extra',
      'Summary: UPSTREAMVERSION here',
      'License: MIT',
      '%description',
      'Version: 42 is text',
      '%package -n bar',
      'Version: 3',
      'Summary: bar',
      '%changelog',
      '* Mon Jan 01 2024 A <a@x> - 0.9-7',
      '- keep me',
      '',
    ].join('\r\n');

    const edited = editSpecForBuild(text, { ...EDITS, changelog: 'keep' });

    expect(edited.split('\r\n')).toEqual([
      `%global dlrn_nvr ${EDITS.dlrnNvr}`,
      '%global dlrn 1',
      '%define upstream_version 1.0.1.dev3',
      'Name: foo',
      'Version:    1.0.1',
      'release: 0.20240305070809.d7f1b84%{?dist}',
      `Source: ${EDITS.source0}`,
      'Source1: extra',
      'Summary: 1.0.1.dev3 here',
      'License: MIT',
      '%description',
      'Version: 42 is text',
      '%package -n bar',
      'Version: 1.0.1',
      'Summary: bar',
      '%changelog',
      '* Mon Jan 01 2024 A <a@x> - 0.9-7',
      '- keep me',
      '',
    ]);
  });

  it('refuses a spec without the lines it must set', () => {
    expect(() => editSpecForBuild('Name: x\nVersion: 1\n', EDITS, 'x.spec')).toThrow(
      expect.objectContaining({
        code: 'FERRY_SPEC_INVALID',
        file: 'x.spec',
        message: 'no Release, Source0 line to set for the build',
      }),
    );
  });
});
