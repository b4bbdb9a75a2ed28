/**
 * A value of a catalog as JSON inside a message, its middle left out past
 * 100 characters: a problem is one line, and a catalog value may be
 * megabytes (a scalar up to the document limit, a substituted template).
 */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string' && value.length > 100) {
    return JSON.stringify(`${value.slice(0, 60)}…${value.slice(-30)}`);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 60)}…${text.slice(-30)}` : text;
}
