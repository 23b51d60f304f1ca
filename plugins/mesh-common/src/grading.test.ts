import {
  certificateStatus,
  compareCertificateStatus,
  daysLeft,
  encryptedShareStatus,
  hasVersionSkew,
  sortChecksBySeverity,
  successRateGrade,
  weakestMtlsMode,
  workloadCertificateStatus,
  worstCheck,
} from './grading';
import { MeshCheck } from './types';

const check = (id: string, status: MeshCheck['status']): MeshCheck => ({
  id,
  status,
  message: id,
  hint: '',
});

describe('daysLeft', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('counts whole days left and goes negative after expiry', () => {
    expect(daysLeft('2026-01-31T12:00:00Z', now)).toBe(30);
    expect(daysLeft('2026-01-01T23:00:00Z', now)).toBe(0);
    expect(daysLeft('2025-12-31T23:00:00Z', now)).toBe(-1);
    expect(daysLeft(new Date('2026-01-08T00:00:00Z'), now)).toBe(7);
  });
});

describe('certificateStatus', () => {
  it('uses the default thresholds of 30 and 7 days', () => {
    expect(certificateStatus(90)).toBe('ok');
    expect(certificateStatus(31)).toBe('ok');
    expect(certificateStatus(30)).toBe('warning');
    expect(certificateStatus(8)).toBe('warning');
    expect(certificateStatus(7)).toBe('critical');
    expect(certificateStatus(0)).toBe('critical');
    expect(certificateStatus(-1)).toBe('expired');
  });
  it('takes configured thresholds', () => {
    expect(certificateStatus(50, { warningDays: 60, criticalDays: 14 })).toBe(
      'warning',
    );
    expect(certificateStatus(14, { warningDays: 60, criticalDays: 14 })).toBe(
      'critical',
    );
  });
  it('orders statuses from ok to expired', () => {
    const sorted = (['expired', 'ok', 'critical', 'warning'] as const)
      .slice()
      .sort(compareCertificateStatus);
    expect(sorted).toEqual(['ok', 'warning', 'critical', 'expired']);
  });
});

describe('checks', () => {
  it('finds the worst check, first of equals, null when all pass', () => {
    expect(worstCheck([])).toBeNull();
    expect(worstCheck([check('a', 'pass')])).toBeNull();
    expect(
      worstCheck([check('a', 'warn'), check('b', 'fail'), check('c', 'fail')])
        ?.id,
    ).toBe('b');
    expect(worstCheck([check('a', 'pass'), check('b', 'warn')])?.id).toBe('b');
  });
  it('sorts by severity, stable within a status', () => {
    expect(
      sortChecksBySeverity([
        check('p', 'pass'),
        check('w1', 'warn'),
        check('f', 'fail'),
        check('w2', 'warn'),
      ]).map(c => c.id),
    ).toEqual(['f', 'w1', 'w2', 'p']);
  });
});

describe('successRateGrade', () => {
  it('grades by thresholds and treats no traffic as unknown', () => {
    expect(successRateGrade(1)).toBe('ok');
    expect(successRateGrade(0.99)).toBe('ok');
    expect(successRateGrade(0.985)).toBe('warning');
    expect(successRateGrade(0.89)).toBe('critical');
    expect(successRateGrade(null)).toBe('unknown');
    expect(successRateGrade(0.97, { warning: 0.95, critical: 0.9 })).toBe('ok');
  });
});

describe('hasVersionSkew', () => {
  it('flags different proxy versions', () => {
    expect(hasVersionSkew(['edge-25.1.1', 'edge-25.2.1'])).toBe(true);
    expect(hasVersionSkew(['edge-25.1.1', 'edge-25.1.1'])).toBe(false);
  });
  it('flags proxies that differ from the control plane', () => {
    expect(hasVersionSkew(['1.26.0'], '1.27.1')).toBe(true);
    expect(hasVersionSkew(['v1.27.1'], '1.27.1')).toBe(false);
    expect(hasVersionSkew([], '1.27.1')).toBe(false);
    expect(hasVersionSkew([null, '1.27.1'], '1.27.1')).toBe(false);
  });
});

describe('mTLS grading', () => {
  it('picks the weakest mode', () => {
    expect(weakestMtlsMode(['strict', 'permissive'])).toBe('permissive');
    expect(weakestMtlsMode(['strict', 'disabled', 'unknown'])).toBe('disabled');
    expect(weakestMtlsMode([])).toBe('unknown');
  });
  it('grades encrypted shares', () => {
    expect(encryptedShareStatus(1)).toBe('pass');
    expect(encryptedShareStatus(null)).toBe('pass');
    expect(encryptedShareStatus(0.8)).toBe('warn');
    expect(encryptedShareStatus(0.2)).toBe('fail');
  });
});

describe('workloadCertificateStatus', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const inHours = (h: number) => new Date(now.getTime() + h * 3_600_000);

  it.each([
    [20, 'ok'],
    [7.2, 'ok'],
    [5, 'warning'],
    [1.5, 'critical'],
    [-0.1, 'expired'],
  ] as const)('%s hours left → %s', (hours, expected) => {
    expect(workloadCertificateStatus(inHours(hours), now)).toBe(expected);
  });

  it('takes an ISO string and custom thresholds', () => {
    expect(
      workloadCertificateStatus(inHours(10).toISOString(), now, {
        warningHours: 12,
        criticalHours: 1,
      }),
    ).toBe('warning');
  });
});

describe('grading boundaries', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const inHours = (h: number) => new Date(now.getTime() + h * 3_600_000);

  it('counts a workload certificate as valid up to its last instant', () => {
    expect(workloadCertificateStatus(inHours(0), now)).toBe('critical');
    expect(workloadCertificateStatus(inHours(2), now)).toBe('critical');
    expect(workloadCertificateStatus(inHours(6), now)).toBe('warning');
    expect(workloadCertificateStatus(inHours(6.01), now)).toBe('ok');
  });

  it('grades a success rate exactly at a threshold as the better grade', () => {
    expect(successRateGrade(0.9)).toBe('warning');
    expect(successRateGrade(0.8999)).toBe('critical');
    expect(successRateGrade(undefined)).toBe('unknown');
    expect(successRateGrade(Number.NaN)).toBe('unknown');
  });

  it('passes a share of 99.9% encrypted and warns from half', () => {
    expect(encryptedShareStatus(0.999)).toBe('pass');
    expect(encryptedShareStatus(0.9989)).toBe('warn');
    expect(encryptedShareStatus(0.5)).toBe('warn');
    expect(encryptedShareStatus(0.4999)).toBe('fail');
  });

  it('ignores surrounding spaces and only a leading "v" in versions', () => {
    expect(hasVersionSkew(['1.27.1 '], ' 1.27.1')).toBe(false);
    expect(hasVersionSkew(['stable-v2'], 'stable-2')).toBe(true);
    expect(hasVersionSkew(['vault'], 'vault')).toBe(false);
  });
});
