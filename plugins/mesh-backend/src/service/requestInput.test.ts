import { InputError } from '@backstage/errors';
import { RequestBounds } from '../requestBounds';
import { validRange, validWindow } from './requestInput';

// The service's own checks are the router's (one implementation), so an
// in-process caller (search, scaffolder) gets the same bounds and messages.
const bounds: RequestBounds = {
  maxWindowSeconds: 3600,
  maxRangeSeconds: 86400,
  maxPoints: 100,
};

describe('validWindow', () => {
  it('takes the configured default when left out, and a window within the bounds', () => {
    expect(validWindow(undefined, '5m', bounds)).toBe('5m');
    expect(validWindow('1h', '5m', bounds)).toBe('1h');
  });

  it('refuses what the router refuses, naming the limit', () => {
    expect(() => validWindow('2h', '5m', bounds)).toThrow(
      new InputError(
        'window must be between 1m and 1h (mesh.maxWindow), got "2h"',
      ),
    );
    expect(() => validWindow('30s', '5m', bounds)).toThrow(/between 1m/);
    expect(() => validWindow('5 minutes', '5m', bounds)).toThrow(
      /window must be a Prometheus duration/,
    );
  });
});

describe('validRange', () => {
  it('applies the defaults and returns the seconds', () => {
    expect(validRange({}, bounds)).toEqual({
      range: '1h',
      step: '1m',
      rangeSeconds: 3600,
      stepSeconds: 60,
    });
  });

  it('refuses too many points and too long a range, naming the limit', () => {
    expect(() => validRange({ range: '1d', step: '1m' }, bounds)).toThrow(
      /1440 points; at most 100 are served: use a step of at least 14m24s/,
    );
    expect(() => validRange({ range: '2d', step: '1h' }, bounds)).toThrow(
      /range must be between 1s and 1d \(mesh.timeseries.maxRange\)/,
    );
    expect(() => validRange({ range: '1h', step: '0s' }, bounds)).toThrow(
      /step must be at least 1s/,
    );
  });
});
