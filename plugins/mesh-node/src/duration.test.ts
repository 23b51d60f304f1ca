import { InputError } from '@backstage/errors';
import {
  assertPromDuration,
  formatPromDuration,
  isPromDuration,
  promDurationSeconds,
} from './duration';

describe('durations', () => {
  it('accepts Prometheus durations only', () => {
    for (const ok of ['5m', '30s', '1h30m', '250ms', '2d', '1w']) {
      expect(isPromDuration(ok)).toBe(true);
    }
    for (const bad of [
      '5',
      '5 m',
      '5minutes',
      '',
      '-5m',
      '5m]) or vector(1',
      '1.5h',
    ]) {
      expect(isPromDuration(bad)).toBe(false);
    }
  });
  it('converts to seconds', () => {
    expect(promDurationSeconds('1h30m')).toBe(5400);
    expect(promDurationSeconds('5m')).toBe(300);
    expect(promDurationSeconds('250ms')).toBe(0.25);
    expect(() => promDurationSeconds('x')).toThrow(
      'Invalid Prometheus duration',
    );
  });
});

describe('formatPromDuration', () => {
  it.each([
    [5400, '1h30m'],
    [300, '5m'],
    [0.25, '250ms'],
    [0, '0s'],
    [90061, '1d1h1m1s'],
  ])('writes %p seconds as %p, which parses back', (seconds, text) => {
    expect(formatPromDuration(seconds)).toBe(text);
    expect(promDurationSeconds(text)).toBe(seconds);
  });
  it('refuses what no duration can say', () => {
    expect(() => formatPromDuration(-1)).toThrow(TypeError);
    expect(() => formatPromDuration(NaN)).toThrow(TypeError);
  });
});

describe('assertPromDuration', () => {
  it('returns a valid duration', () => {
    expect(assertPromDuration('5m', 'window', { minSeconds: 1 })).toBe('5m');
  });
  it.each([
    [
      '5minutes',
      /^Invalid window '5minutes': use a Prometheus duration such as 30s/,
    ],
    [5, /^Invalid window '5': use a Prometheus duration/],
    ['0s', /^Invalid window '0s': use at least 1s$/],
    ['2d', /^Invalid window '2d': use at most 1d$/],
  ])(
    'rejects %p with an InputError that says what to give',
    (value, message) => {
      const check = () =>
        assertPromDuration(value, 'window', {
          minSeconds: 1,
          maxSeconds: 86400,
        });
      expect(check).toThrow(InputError);
      expect(check).toThrow(message);
    },
  );
});

describe('durations, unit by unit', () => {
  it.each([
    ['1y', 31536000],
    ['1w', 604800],
    ['1d', 86400],
    ['1h', 3600],
    ['1m', 60],
    ['1s', 1],
    ['1ms', 0.001],
    ['1y2w3d4h5m6s7ms', 31536000 + 2 * 604800 + 3 * 86400 + 14706.007],
  ])('%s is %p seconds and is written back the same', (text, seconds) => {
    expect(promDurationSeconds(text)).toBeCloseTo(seconds, 6);
    expect(formatPromDuration(seconds)).toBe(text);
  });

  it('takes strings only, not values that print like one', () => {
    expect(isPromDuration(['5m'])).toBe(false);
    expect(isPromDuration({ toString: () => '5m' })).toBe(false);
  });

  it('names the number it cannot write', () => {
    expect(() => formatPromDuration(-1)).toThrow(
      'Cannot write -1 seconds as a duration',
    );
  });
});

describe('assertPromDuration bounds', () => {
  const bounds = { minSeconds: 60, maxSeconds: 3600 };
  it('accepts both bounds themselves', () => {
    expect(assertPromDuration('1m', 'window', bounds)).toBe('1m');
    expect(assertPromDuration('1h', 'window', bounds)).toBe('1h');
    expect(assertPromDuration('30m', 'window', bounds)).toBe('30m');
  });
  it('checks only the bounds given', () => {
    expect(assertPromDuration('1y', 'window', { minSeconds: 60 })).toBe('1y');
    expect(assertPromDuration('1ms', 'window', { maxSeconds: 60 })).toBe('1ms');
    expect(assertPromDuration('1ms', 'window')).toBe('1ms');
  });
  it('rejects one past each bound', () => {
    expect(() => assertPromDuration('59s', 'window', bounds)).toThrow(
      "Invalid window '59s': use at least 1m",
    );
    expect(() => assertPromDuration('1h1s', 'window', bounds)).toThrow(
      "Invalid window '1h1s': use at most 1h",
    );
  });
});
