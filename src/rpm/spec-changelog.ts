import type { ChangelogEntry } from './package.js';

/** One `%changelog` entry of a spec, with where it is written. */
export interface SpecChangelogEntry extends ChangelogEntry {
  /** The heading line without the leading `* `, e.g. `Mon Jan 01 2024 Jane <j@x.org> - 1.0-1`. */
  readonly heading: string;
  /** The EVR at the end of the heading (`1.0-1`), when there is one. */
  readonly evr?: string;
  /** 1-based line of the heading in the spec. */
  readonly line: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Splits a heading into its date (seconds since the epoch: the day at 12:00
 * UTC as rpm stores it, or the exact time when one is written) and the rest.
 */
function parseHeading(heading: string): { readonly date: number; readonly author: string } | undefined {
  const withTime =
    /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+\S+\s+(\d{4})\s*(.*)$/.exec(
      heading,
    );
  if (withTime !== null) {
    const [, mon, day, hh, mm, ss, year, rest] = withTime;
    const month = MONTHS.indexOf(mon ?? '');
    if (month < 0) return undefined;
    const ms = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss));
    return { date: ms / 1000, author: (rest ?? '').trim() };
  }
  const dateOnly = /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4})\s*(.*)$/.exec(heading);
  if (dateOnly === null) return undefined;
  const [, mon, day, year, rest] = dateOnly;
  const month = MONTHS.indexOf(mon ?? '');
  if (month < 0) return undefined;
  return { date: Date.UTC(Number(year), month, Number(day), 12) / 1000, author: (rest ?? '').trim() };
}

/** The EVR conventionally written at the end of a heading: `... <mail> - 1.0-1` or `... <mail> 1.0-1`. */
function headingEvr(author: string): string | undefined {
  const afterMail = author.includes('>') ? author.slice(author.lastIndexOf('>') + 1) : '';
  const evr = afterMail.replace(/^\s*-?\s*/, '').trim();
  return evr === '' ? undefined : evr;
}

/**
 * Parses the lines of a `%changelog` section (pure). `firstLine` is the
 * spec line number of `lines[0]`. Entries keep the spec's order (newest
 * first, by convention); an entry's text is its lines with trailing blank
 * lines removed, as rpm stores it. Headings whose date cannot be read are
 * kept with date 0 (rpm refuses them when building; reading a spec for a
 * diff should not).
 */
export function parseChangelog(lines: readonly string[], firstLine = 1): SpecChangelogEntry[] {
  const entries: SpecChangelogEntry[] = [];
  let current: { heading: string; line: number; body: string[] } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const parsed = parseHeading(current.heading);
    const author = parsed?.author ?? current.heading;
    const evr = headingEvr(author);
    while (current.body.length > 0 && (current.body[current.body.length - 1] ?? '').trim() === '')
      current.body.pop();
    entries.push({
      heading: current.heading,
      author,
      date: parsed?.date ?? 0,
      text: current.body.join('\n'),
      line: current.line,
      ...(evr === undefined ? {} : { evr }),
    });
  };
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('*')) {
      flush();
      current = { heading: line.replace(/^\*\s*/, '').trim(), line: firstLine + index, body: [] };
    } else if (current !== undefined) {
      current.body.push(line);
    }
  });
  flush();
  return entries;
}

/**
 * The entries of `after` that `before` does not have (pure): what a distgit
 * change added to the changelog, for `ferry diff`. Entries are matched on
 * heading and text, so an edited entry counts as added.
 */
export function changelogEntriesAdded(
  before: readonly SpecChangelogEntry[],
  after: readonly SpecChangelogEntry[],
): SpecChangelogEntry[] {
  const seen = new Set(before.map((e) => `${e.heading}\0${e.text}`));
  return after.filter((e) => !seen.has(`${e.heading}\0${e.text}`));
}
