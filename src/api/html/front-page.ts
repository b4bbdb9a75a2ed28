import { escapeHtml, page, raw } from './html.js';

/** The links of the front page: path (relative to `/`) and what is there. */
export const FRONT_PAGE_LINKS: readonly (readonly [string, string])[] = [
  ['api/civotes.html', 'CI votes, grouped by repository'],
  ['api/civotes_agg.html', 'CI votes on aggregates'],
  ['api/report.html', 'Builds: the newest first, with their repositories and logs'],
  ['repos/', 'The repositories: snapshots, labels (current, consistent, promotions), delorean.repo'],
  ['api/openapi.json', 'The API (OpenAPI document)'],
  ['metrics', 'Prometheus metrics'],
];

/**
 * `/` of `ferry serve`: a page linking the HTML pages and the other things
 * the server answers, until the dashboard exists. Every text is escaped.
 */
export function renderFrontPage(title: string): string {
  const items = FRONT_PAGE_LINKS.map(
    ([href, text]) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`,
  ).join('\n');
  return page(title, title, [raw(`<ul>\n${items}\n</ul>`)], { atRoot: true });
}
