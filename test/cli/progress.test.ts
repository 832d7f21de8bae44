import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

describe('progressLine', () => {
  it('shows a bar and percentage by bytes, records, rate and time left', () => {
    const line = progressLine({ records: 25_000, bytesDone: 250, bytesTotal: 1000, elapsedSeconds: 5 });
    expect(line).toBe(`导入 [${'█'.repeat(6)}${'░'.repeat(18)}]  25%  25,000 条  5,000 条/秒  约 15 秒`);
  });

  it('says when it is done, counts minutes for long imports, and survives an empty input', () => {
    expect(progressLine({ records: 10, bytesDone: 1000, bytesTotal: 1000, elapsedSeconds: 2 })).toMatch(/\[█{24}\] 100% {2}10 条 {2}5 条\/秒 {2}完成$/);
    expect(progressLine({ records: 1000, bytesDone: 1, bytesTotal: 100, elapsedSeconds: 10 })).toMatch(/ {2}1% .* 约 17 分钟$/);
    expect(progressLine({ records: 0, bytesDone: 0, bytesTotal: 0, elapsedSeconds: 0 })).toMatch(/100% {2}0 条 {2}0 条\/秒 {2}完成$/);
    expect(progressLine({ records: 0, bytesDone: 0, bytesTotal: 10, elapsedSeconds: 0 })).toMatch(/ {2}0% .*估算中$/);
  });
});
