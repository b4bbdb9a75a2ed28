/**
 * The one range of time values ferry accepts from a client (a vote's
 * `timestamp`, the dates of metrics queries): unix seconds from 0
 * (1970-01-01T00:00:00Z) up to one day past the server's clock. The day of
 * slack absorbs clock skew between a CI system and the server; anything
 * further out is a mistake or an attempt to stay "newest" forever, and is
 * refused before it reaches the store.
 */
export const EARLIEST_TIME = 0;

/** How far past the server's clock a time value may lie, seconds. */
export const FUTURE_SLACK_SECONDS = 86_400;

/** The latest time value accepted when the server's clock says `now` (unix seconds). */
export function latestAcceptedTime(now: number): number {
  return now + FUTURE_SLACK_SECONDS;
}

/** True when `seconds` is a whole number of seconds within the accepted range at `now`. */
export function isAcceptedTime(seconds: number, now: number): boolean {
  return Number.isSafeInteger(seconds) && seconds >= EARLIEST_TIME && seconds <= latestAcceptedTime(now);
}

/** What the accepted range is, for error messages and documentation. */
export function describeAcceptedTimes(now: number): string {
  return `unix seconds from ${EARLIEST_TIME} (1970-01-01) to ${latestAcceptedTime(now)} (one day past the server's clock)`;
}

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: JavaScript dates reach further (±8.64e15 ms,
// past which toISOString throws), but ISO text keeps its four-digit shape only between these.
const FIRST_SHOWN = -62_167_219_200;
const LAST_SHOWN = 253_402_300_799;

/**
 * `YYYY-MM-DDTHH:MM:SS` (UTC) of unix seconds, or null for what no date can
 * show (NaN, infinities, years before 0 or after 9999). The store may hold
 * such values (rows of older versions, imported histories): renderers call
 * this and show the raw number instead of throwing.
 */
export function isoSeconds(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds < FIRST_SHOWN || seconds > LAST_SHOWN) return null;
  return new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19);
}

/**
 * `YYYY-MM-DD HH:MM:SS` (UTC, as DLRN's `strftime` filter), total: an empty
 * string for no value, the number itself for one no date can show.
 */
export function formatUnixTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  const iso = isoSeconds(seconds);
  return iso === null ? String(seconds) : iso.replace('T', ' ');
}
