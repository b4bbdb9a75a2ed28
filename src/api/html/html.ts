/** Small, safe HTML building: every value is escaped; only http(s) URLs become links. */

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

/** A link when `url` is http(s) (never `javascript:` and the like), else the text alone. */
export function externalLink(url: string | null | undefined, text?: string): Html {
  if (!url) return raw('');
  let safe = false;
  try {
    const parsed = new URL(url);
    safe = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    safe = false;
  }
  const label = escapeHtml(text ?? url);
  return raw(safe ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${label}</a>` : label);
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as DLRN's `strftime` template filter. */
export function formatTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
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

const STYLE = `body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;font-size:0.9em}
th,td{border:1px solid #ccc;padding:0.3em 0.5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}tr.failure td{background:#fde8e8}tr.success td{background:#eaf6ea}
nav{margin:0.8em 0}nav a{margin-right:1em}code{font-size:0.95em}`;

/** A whole page. */
export function page(title: string, heading: string, body: readonly Html[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
<nav><a href="civotes.html">CI votes</a><a href="civotes_agg.html">CI votes on aggregates</a><a href="report.html">Builds</a></nav>
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
