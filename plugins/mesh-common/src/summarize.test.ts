import { soonestCertificate } from './summarize';
import { CertificateInfo } from './types';

const cert = (
  role: CertificateInfo['role'],
  subject: string,
  daysLeft: number,
  status: CertificateInfo['status'],
): CertificateInfo => ({
  role,
  subject,
  issuer: 'root',
  serialNumber: '01',
  notBefore: '2026-11-01T00:00:00.000Z',
  notAfter: '2026-12-31T00:00:00.000Z',
  daysLeft,
  status,
  source: 'test',
});

describe('soonestCertificate', () => {
  it('takes the fewest days left, passing over healthy workload certificates', () => {
    expect(
      soonestCertificate([
        cert('trust-anchor', 'root', 300, 'ok'),
        cert('workload', 'web', 0, 'ok'),
        cert('issuer', 'issuer', 20, 'warning'),
      ])?.subject,
    ).toBe('issuer');
  });

  it('takes a workload certificate that failed to renew, and the worse grade on a tie', () => {
    expect(
      soonestCertificate([
        cert('issuer', 'issuer', 20, 'warning'),
        cert('workload', 'stuck', 0, 'critical'),
      ])?.subject,
    ).toBe('stuck');
    expect(
      soonestCertificate([
        cert('issuer', 'a', 5, 'warning'),
        cert('trust-anchor', 'b', 5, 'critical'),
        cert('issuer', 'c', 5, 'warning'),
      ])?.subject,
    ).toBe('b');
  });

  it('is undefined when no certificate is worth attention', () => {
    expect(soonestCertificate([])).toBeUndefined();
    expect(
      soonestCertificate([cert('workload', 'web', 0, 'ok')]),
    ).toBeUndefined();
  });
});
