/** What the import's progress line shows after a committed batch. */
export interface ImportProgress {
  /** Records read and committed (or rejected) so far. */
  records: number;
  /** Bytes of the input read up to the end of the last committed batch, and in all. */
  bytesDone: number;
  bytesTotal: number;
  elapsedSeconds: number;
}

const BAR_WIDTH = 24;
const formatInt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * One line for a terminal: a bar and percentage by bytes of input (the only total known before
 * the files are parsed), records so far, the rate, and the time left at that rate.
 */
export function progressLine({ records, bytesDone, bytesTotal, elapsedSeconds }: ImportProgress): string {
  const fraction = bytesTotal > 0 ? Math.min(1, Math.max(0, bytesDone / bytesTotal)) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const rate = elapsedSeconds > 0 ? records / elapsedSeconds : 0;
  const left = fraction > 0 && fraction < 1 ? (elapsedSeconds * (1 - fraction)) / fraction : 0;
  const eta = fraction >= 1 ? '完成' : fraction > 0 ? `约 ${left < 60 ? `${Math.ceil(left)} 秒` : `${Math.ceil(left / 60)} 分钟`}` : '估算中';
  return `导入 [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatInt(records)} 条  ${formatInt(rate)} 条/秒  ${eta}`;
}
