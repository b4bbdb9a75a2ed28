/** Patterns of the line that says why a build failed, most telling first. */
const CAUSES: readonly RegExp[] = [
  /missing BuildRequires/i,
  /No such file or directory|cannot stat|not found|Permission denied/i,
  /^error: (?!Bad exit status)/i,
  /error/i,
];

/**
 * The one line of a failed build's notes (the log tail) that best says why
 * it failed, for one-line summaries (pure). ferry's own summary line and
 * rpm's "Bad exit status" lines are passed over when a better one exists.
 */
export function failureCause(notes: string): string {
  const lines = notes
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('ferry: FAILED') && l !== 'RPM build errors:');
  for (const pattern of CAUSES) {
    const found = [...lines].reverse().find((l) => pattern.test(l));
    if (found !== undefined) return found.replace(/^ferry: /, '');
  }
  return lines[lines.length - 1] ?? '';
}
