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
