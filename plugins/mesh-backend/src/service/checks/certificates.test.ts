import { CertificateInfo } from '@meshlens/plugin-mesh-common';
import { certificateExpiryChecks, timeLeft } from './certificates';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const cert = (
  role: CertificateInfo['role'],
  hoursLeft: number,
  status: CertificateInfo['status'] = 'ok',
): CertificateInfo => ({
  role,
  subject: `${role}-subject`,
  issuer: '',
  serialNumber: '',
  notBefore: '',
  notAfter: new Date(NOW + hoursLeft * 3_600_000).toISOString(),
  daysLeft: Math.floor(hoursLeft / 24),
  status,
  source: 'test',
});

describe('MESH-COM-014 certificate expiry texts', () => {
  it('says hours, not "0 days", for a certificate with less than a day left', () => {
    const [check] = certificateExpiryChecks(
      [cert('trust-anchor', 24 * 300), cert('workload', 14.5)],
      NOW,
    );
    expect(check).toMatchObject({ id: 'MESH-COM-014', status: 'pass' });
    expect(check.message).toBe(
      '2 certificates; the soonest, workload workload-subject, expires in 14 hours and renews itself before then',
    );
  });

  it('counts grammatically', () => {
    expect(
      certificateExpiryChecks([cert('issuer', 24 * 40)], NOW)[0].message,
    ).toBe(
      '1 certificate; the soonest, issuer issuer-subject, expires in 40 days',
    );
    expect(timeLeft(cert('issuer', 25), NOW)).toBe('expires in 1 day');
    expect(timeLeft(cert('issuer', 1.5), NOW)).toBe('expires in 1 hour');
    expect(timeLeft(cert('issuer', -0.2), NOW)).toBe('expired 1 hour ago');
    expect(timeLeft(cert('issuer', -50), NOW)).toBe('expired 2 days ago');
  });

  it('fails on an expired certificate and warns on one that expires soon', () => {
    expect(
      certificateExpiryChecks([cert('issuer', 24 * 20, 'warning')], NOW)[0],
    ).toMatchObject({
      status: 'warn',
      message: 'issuer issuer-subject expires in 20 days',
    });
    expect(
      certificateExpiryChecks([cert('workload', -3, 'expired')], NOW)[0],
    ).toMatchObject({
      status: 'fail',
      message: 'workload workload-subject expired 3 hours ago',
    });
  });
});
