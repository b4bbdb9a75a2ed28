import { formatUnixTime } from '../../util/time-range.js';

/**
 * Small, safe HTML building: every value is escaped; only http(s) URLs
 * become links (and file: ones under the configured baseurl).
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** Markup that is already safe (built by these helpers). */
export interface Html {
  readonly html: string;
}

export function raw(html: string): Html {
  return { html };
}

function render(value: Html | string | number | null | undefined): string {
  return typeof value === 'object' && value !== null ? value.html : escapeHtml(value);
}

/** A link to a page of this API with query parameters (values escaped and URL-encoded). */
export function pageLink(
  page: string,
  params: Record<string, string | number | boolean | null | undefined>,
  text: Html | string | number,
): Html {
  const query = Object.entries(params)
    .filter(
      (entry): entry is [string, string | number | boolean] => entry[1] !== null && entry[1] !== undefined,
    )
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return raw(`<a href="${escapeHtml(query ? `${page}?${query}` : page)}">${render(text)}</a>`);
}

const WEB_PROTOCOLS: readonly string[] = ['http:', 'https:'];

function link(url: string | null | undefined, text: string | undefined, protocols: readonly string[]): Html {
  if (!url) return raw('');
  let safe = false;
  try {
    safe = protocols.includes(new URL(url).protocol);
  } catch {
    safe = false;
  }
  const label = escapeHtml(text ?? url);
  return raw(safe ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${label}</a>` : label);
}

/** A link when `url` is http(s) (never `javascript:` and the like), else the text alone: for URLs clients sent. */
export function externalLink(url: string | null | undefined, text?: string): Html {
  return link(url, text, WEB_PROTOCOLS);
}

/**
 * A link into `repos/` under the configured baseurl, which may be a `file:`
 * URL (a workspace read from disk) as well as http(s); still never
 * `javascript:` and the like. Only for URLs ferry builds from its baseurl.
 */
export function reposLink(url: string | null | undefined, text?: string): Html {
  return link(url, text, [...WEB_PROTOCOLS, 'file:']);
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as DLRN's `strftime` template filter; a stored number no date can show is shown as it is. */
export function formatTime(seconds: number | null | undefined): string {
  return formatUnixTime(seconds);
}

/** `1 vote`, `2 votes`, `0 votes`. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

export interface TableRow {
  readonly cells: readonly (Html | string | number | null | undefined)[];
  readonly className?: string;
}

export function table(headers: readonly string[], rows: readonly TableRow[]): Html {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cls = row.className ? ` class="${escapeHtml(row.className)}"` : '';
      return `<tr${cls}>${row.cells.map((cell) => `<td>${render(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const empty = rows.length === 0 ? `<tr><td colspan="${headers.length}">Nothing to show.</td></tr>` : '';
  return raw(`<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}${empty}\n</tbody>\n</table>`);
}

// Long unbroken values (40-hex hashes, DLRN release strings, URLs) may wrap anywhere,
// so a table never grows past the window (report.html fits 1,280 px).
const STYLE = `body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;font-size:0.9em}
th,td{border:1px solid #ccc;padding:0.3em 0.5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f0f0}tr.failure td{background:#fde8e8}tr.success td{background:#eaf6ea}
nav{margin:0.8em 0}nav a{margin-right:1em}code{font-size:0.95em}`;

/**
 * A whole page. The pages live under `/api/`; the front page (`atRoot`) at
 * `/`, so its navigation links go down into `api/`. Links are relative, so
 * the pages work behind a proxy that serves them under a prefix.
 */
export function page(
  title: string,
  heading: string,
  body: readonly Html[],
  options: { readonly atRoot?: boolean } = {},
): string {
  const api = options.atRoot ? 'api/' : '';
  const home = options.atRoot ? './' : '../';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
<nav><a href="${home}">Home</a><a href="${api}civotes.html">CI votes</a><a href="${api}civotes_agg.html">CI votes on aggregates</a><a href="${api}report.html">Builds</a></nav>
${body.map((part) => part.html).join('\n')}
</body>
</html>
`;
}

/** Previous/next links of a page of `limit` rows at `offset`. */
export function pager(
  pageName: string,
  params: Record<string, string | number | boolean | undefined>,
  offset: number,
  limit: number,
  shown: number,
): Html {
  const links: string[] = [];
  if (offset > 0)
    links.push(pageLink(pageName, { ...params, offset: Math.max(0, offset - limit) }, 'previous').html);
  if (shown >= limit) links.push(pageLink(pageName, { ...params, offset: offset + limit }, 'next').html);
  return raw(links.length > 0 ? `<nav>${links.join('')}</nav>` : '');
}
