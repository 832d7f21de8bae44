import { SITE_UTC_OFFSET_SECONDS } from '../db/articles.js';

/** An ISO instant as China time, "YYYY-MM-DD HH:mm:ss". */
export function formatDateTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + SITE_UTC_OFFSET_SECONDS * 1000);
  return shifted.toISOString().slice(0, 19).replace('T', ' ');
}

/** An ISO instant as a China date, "YYYY-MM-DD". */
export function formatDate(iso: string): string {
  return formatDateTime(iso).slice(0, 10);
}

/** Unix-second bounds [from, to) of a month in China time. */
export function monthBounds(year: number, month: number): { from: number; to: number } {
  const from = Date.UTC(year, month - 1, 1) / 1000 - SITE_UTC_OFFSET_SECONDS;
  const to = Date.UTC(year, month, 1) / 1000 - SITE_UTC_OFFSET_SECONDS;
  return { from, to };
}
