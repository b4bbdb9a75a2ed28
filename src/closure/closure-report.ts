/**
 * How a closure result is shown: dnf-like text grouped by package, or the
 * JSON document later stages (CI gate, promotion, publication) read. The
 * JSON shape is documented in docs/closure.md and must not change lightly.
 */

/** What the renderers need of a result. */
export interface ClosureReportInput {
  readonly unresolved: readonly {
    readonly package: string;
    readonly repo: string;
    readonly dependencies: readonly string[];
  }[];
}

/** `ferry repo closure --json`. */
export interface ClosureJson {
  readonly unresolved: readonly {
    /** `name-[epoch:]version-release.arch`. */
    readonly package: string;
    /** Repository id. */
    readonly repo: string;
    /** Unresolved requires as dnf prints them. */
    readonly dependencies: readonly string[];
  }[];
}

/** The JSON document, exactly `{"unresolved": [...]}`. */
export function closureJson(result: ClosureReportInput): ClosureJson {
  return {
    unresolved: result.unresolved.map((u) => ({
      package: u.package,
      repo: u.repo,
      dependencies: [...u.dependencies],
    })),
  };
}

/** JSON text (two-space indented, newline-terminated). */
export function renderClosureJson(result: ClosureReportInput): string {
  return `${JSON.stringify(closureJson(result), null, 2)}\n`;
}

/**
 * dnf repoclosure's text, one block per package (scripts that parse dnf's
 * output read ferry's unchanged):
 *
 *     package: foo-1.0-1.noarch from main
 *       unresolved deps (1):
 *         bar >= 2
 */
export function renderClosureText(result: ClosureReportInput): string {
  let out = '';
  for (const u of result.unresolved) {
    out += `package: ${u.package} from ${u.repo}\n  unresolved deps (${u.dependencies.length}):\n`;
    for (const dep of u.dependencies) out += `    ${dep}\n`;
  }
  return out;
}

/** One line summing up a result (for stderr). */
export function closureSummary(result: ClosureReportInput & { readonly checked: number }): string {
  const deps = result.unresolved.reduce((sum, u) => sum + u.dependencies.length, 0);
  const pkgs = result.checked === 1 ? '1 package' : `${result.checked} packages`;
  if (deps === 0) return `closure: ${pkgs} checked, every dependency resolved`;
  return `closure: ${deps} unresolved ${deps === 1 ? 'dependency' : 'dependencies'} across ${result.unresolved.length} of ${pkgs} checked`;
}
