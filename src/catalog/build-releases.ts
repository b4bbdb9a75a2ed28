import type {
  ProblemRef,
  Release,
  ReleaseRepo,
  SourceRef,
  YamlMap,
  YamlPath,
  YamlValue,
} from './catalog-model.js';
import { originOf } from './expand-package.js';
import type { MergedInfo, MergedItem } from './merge-infos.js';
import { isValidUrl } from './field-rules.js';
import { quoteValue } from './quote-value.js';
import { isYamlList, isYamlMap } from './yaml-parse.js';

/** Release statuses rdoinfo's verify.py accepts; at most one release is in development. */
export const RELEASE_STATUSES = ['development', 'maintained', 'extended_maintenance', 'eol'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export function isReleaseStatus(value: string): value is ReleaseStatus {
  return (RELEASE_STATUSES as readonly string[]).includes(value);
}

class ReleaseBuilder {
  constructor(
    private readonly name: string,
    private readonly item: MergedItem,
    private readonly problems: ProblemRef[],
  ) {}

  ref(path: YamlPath): SourceRef {
    const first = this.item.parts[0]!;
    return originOf(this.item.parts, path) ?? { file: first.file, path: first.base };
  }

  error(code: string, path: YamlPath, message: string): void {
    this.problems.push({ severity: 'error', code, at: this.ref(path), message });
  }

  optionalString(key: string): string | undefined {
    const value = this.item.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    this.error('invalid-type', [key], `${key} of release ${this.name} must be a string`);
    return undefined;
  }

  stringList(value: YamlValue | undefined, path: YamlPath, what: string): string[] {
    if (value === undefined || value === null) return [];
    if (!isYamlList(value)) {
      this.error('invalid-type', path, `${what} must be a list`);
      return [];
    }
    const out: string[] = [];
    value.forEach((item, index) => {
      if (typeof item === 'string') out.push(item);
      else this.error('invalid-type', [...path, index], `${what} entries must be strings`);
    });
    return out;
  }

  repo(value: YamlValue, index: number, branch: string | undefined): ReleaseRepo | undefined {
    const path: YamlPath = ['repos', index];
    if (!isYamlMap(value)) {
      this.error('invalid-type', path, 'a release repo must be a mapping');
      return undefined;
    }
    const name = value.name;
    if (typeof name !== 'string' || name === '') {
      this.error('missing-field', path, `a repo of release ${this.name} has no name`);
      return undefined;
    }
    let repoBranch = branch;
    if (value.branch !== undefined && value.branch !== null) {
      if (typeof value.branch === 'string') repoBranch = value.branch;
      else this.error('invalid-type', [...path, 'branch'], 'branch must be a string');
    }
    if (repoBranch === undefined) {
      this.error(
        'missing-field',
        path,
        `repo ${name} of release ${this.name} has no branch (nor has the release)`,
      );
    }
    const buildsys = value.buildsys;
    if (buildsys !== undefined && buildsys !== null && typeof buildsys !== 'string') {
      this.error('invalid-type', [...path, 'buildsys'], 'buildsys must be a string');
    }
    const buildsysTags = this.stringList(value['buildsys-tags'], [...path, 'buildsys-tags'], 'buildsys-tags');
    this.checkDistrepos(value.distrepos, [...path, 'distrepos']);
    // distroinfo fills each repo's branch from the release's.
    const fields: YamlMap =
      repoBranch !== undefined && !('branch' in value) ? { ...value, branch: repoBranch } : value;
    return {
      name,
      branch: repoBranch,
      buildsys: typeof buildsys === 'string' ? buildsys : undefined,
      buildsysTags,
      fields,
    };
  }

  checkDistrepos(value: YamlValue | undefined, path: YamlPath): void {
    if (value === undefined || value === null) return;
    if (!isYamlList(value)) {
      this.error('invalid-type', path, 'distrepos must be a list');
      return;
    }
    value.forEach((repo, index) => {
      if (!isYamlMap(repo) || typeof repo.name !== 'string') {
        this.error('missing-field', [...path, index], 'a distrepo needs a name');
        return;
      }
      const url = repo.url;
      if (url !== undefined && url !== null && (typeof url !== 'string' || !isValidUrl(url))) {
        this.error('invalid-url', [...path, index, 'url'], `url: not a URL: ${quoteValue(url)}`);
      }
    });
  }

  build(): Release {
    const value = this.item.value;
    const status = value.status;
    if (status === undefined || status === null) {
      this.error('missing-field', [], `release ${this.name} has no status (${RELEASE_STATUSES.join(', ')})`);
    } else if (typeof status !== 'string' || !isReleaseStatus(status)) {
      this.error(
        'invalid-status',
        ['status'],
        `status ${quoteValue(status)} is not one of ${RELEASE_STATUSES.join(', ')}`,
      );
    }
    const branch = this.optionalString('branch');
    const upstreamBranch = this.optionalString('upstream_branch');
    const repos: ReleaseRepo[] = [];
    const rawRepos = value.repos;
    if (rawRepos === undefined || rawRepos === null) {
      this.error('missing-field', [], `release ${this.name} has no repos`);
    } else if (!isYamlList(rawRepos)) {
      this.error('invalid-type', ['repos'], 'repos must be a list');
    } else {
      rawRepos.forEach((repo, index) => {
        const built = this.repo(repo, index, branch);
        if (built) repos.push(built);
      });
    }
    const fields: YamlMap = isYamlList(rawRepos)
      ? { ...value, repos: repos.map((repo) => repo.fields) }
      : value;
    return {
      name: this.name,
      status: typeof status === 'string' ? status : undefined,
      branch,
      upstreamBranch,
      repos,
      fields,
      source: this.ref([]),
    };
  }
}

/** Releases with their repos' branches filled in, checked as rdoinfo's verify.py does. */
export function buildReleases(merged: MergedInfo, problems: ProblemRef[]): Release[] {
  const releases: Release[] = [];
  let development: Release | undefined;
  for (const [name, item] of merged.releases) {
    const release = new ReleaseBuilder(name, item, problems).build();
    if (release.status === 'development') {
      if (development) {
        problems.push({
          severity: 'error',
          code: 'invalid-status',
          at: { file: release.source.file, path: [...release.source.path, 'status'] },
          message: `release ${name} is in development, and so is ${development.name} at {0}: only one may be`,
          related: [development.source],
        });
      } else {
        development = release;
      }
    }
    releases.push(release);
  }
  return releases;
}
