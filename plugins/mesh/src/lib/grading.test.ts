import { gradeFromChecks, gradeSuccessRate, worstCheck } from './grading';
import { formatDaysLeft, formatMs, formatPercent, formatRps } from './format';

const check = (id: string, status: 'pass' | 'warn' | 'fail') => ({
  id,
  status,
  message: id,
  hint: '',
});

describe('grading', () => {
  it('grades a cluster by its worst check', () => {
    expect(gradeFromChecks([])).toBe('ok');
    expect(gradeFromChecks([check('a', 'pass')])).toBe('ok');
    expect(gradeFromChecks([check('a', 'pass'), check('b', 'warn')])).toBe(
      'warning',
    );
    expect(
      gradeFromChecks([
        check('a', 'warn'),
        check('b', 'fail'),
        check('c', 'warn'),
      ]),
    ).toBe('error');
    expect(worstCheck([check('a', 'warn'), check('b', 'fail')])?.id).toBe('b');
  });

  it('colours success rates as the backend grades them (99% and 90%)', () => {
    expect(gradeSuccessRate(null)).toBeUndefined();
    expect(gradeSuccessRate(0.99)).toBe('ok');
    expect(gradeSuccessRate(0.9899)).toBe('warning');
    expect(gradeSuccessRate(0.9)).toBe('warning');
    expect(gradeSuccessRate(0.8999)).toBe('error');
  });
});

describe('format', () => {
  it('never rounds a success rate up to 100%', () => {
    expect(formatPercent(0.99996)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(0.9712, 2)).toBe('97.12%');
    expect(formatPercent(0.29, 0)).toBe('29%');
  });

  it('formats rates, latencies and days', () => {
    expect(formatRps(42.54)).toBe('42.5 req/s');
    expect(formatRps(0.05)).toBe('0.050 req/s');
    expect(formatMs(4.25)).toBe('4.3 ms');
    expect(formatMs(1500)).toBe('1.50 s');
    expect(formatDaysLeft(12.7)).toBe('12 days left');
    expect(formatDaysLeft(-1)).toBe('expired 1 day ago');
    const now = new Date('2026-11-21T12:00:00Z');
    expect(formatDaysLeft(0, '2026-11-22T03:30:00Z', now)).toBe('15 h left');
    expect(formatDaysLeft(0, '2026-11-21T12:30:00Z', now)).toBe(
      'expires today',
    );
    expect(formatDaysLeft(0)).toBe('expires today');
    expect(formatDaysLeft(0.2)).toBe('expires today');
  });
});
