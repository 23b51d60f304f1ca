import {
  CertificateInfo,
  MeshCheck,
  checkResult,
  compareCertificateStatus,
  countOf,
} from '@meshlens/plugin-mesh-common';
import { IssuerVerification } from '../../clients/CertificateReader';
import { COMMON_CHECKS } from './catalogue';

/**
 * The time left as people say it: days while a day or more is left, hours
 * below (a 24-hour workload certificate "expires in 0 days" only to
 * someone who does not know it renews itself), and how long ago once expired.
 */
export function timeLeft(certificate: CertificateInfo, now = Date.now()) {
  const ms = new Date(certificate.notAfter).getTime() - now;
  const hours = Math.floor(Math.abs(ms) / 3_600_000);
  if (ms < 0) {
    return hours < 24
      ? `expired ${countOf(Math.max(hours, 1), 'hour')} ago`
      : `expired ${countOf(Math.floor(hours / 24), 'day')} ago`;
  }
  return hours < 24
    ? `expires in ${countOf(hours, 'hour')}`
    : `expires in ${countOf(Math.floor(hours / 24), 'day')}`;
}

/** MESH-COM-014: the certificates that expire soon or have expired. */
export function certificateExpiryChecks(
  certificates: CertificateInfo[],
  now = Date.now(),
): MeshCheck[] {
  const bad = certificates.filter(c => c.status !== 'ok');
  if (certificates.length === 0) return [];
  if (bad.length === 0) {
    const soonest = [...certificates].sort(
      (a, b) => new Date(a.notAfter).getTime() - new Date(b.notAfter).getTime(),
    )[0];
    return [
      checkResult(COMMON_CHECKS.certificateExpiry, {
        status: 'pass',
        message: `${countOf(
          certificates.length,
          'certificate',
        )}; the soonest, ${soonest.role} ${soonest.subject}, ${timeLeft(
          soonest,
          now,
        )}${
          soonest.role === 'workload' ? ' and renews itself before then' : ''
        }`,
      }),
    ];
  }
  const worst = [...bad].sort((a, b) =>
    compareCertificateStatus(b.status, a.status),
  )[0];
  return [
    checkResult(COMMON_CHECKS.certificateExpiry, {
      status: worst.status === 'warning' ? 'warn' : 'fail',
      message: bad
        .map(c => `${c.role} ${c.subject} ${timeLeft(c, now)}`)
        .join('; '),
      hint:
        worst.role === 'workload'
          ? 'Workload certificates renew themselves: a proxy that does not renew cannot reach its identity service; restart it and check the control plane'
          : `Rotate the ${worst.role} (${worst.source}); with cert-manager, check the Certificate's Ready condition and renewal time`,
    }),
  ];
}

/** MESH-COM-015: whether each issuer is signed by a trust anchor. */
export function issuerChainChecks(issuers: IssuerVerification[]): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const issuer of issuers.filter(i => !i.signedByTrustAnchor)) {
    checks.push(
      checkResult(COMMON_CHECKS.issuerChain, {
        message: `The issuer certificate ${issuer.subject} (${issuer.source}) is not signed by any trust anchor`,
        hint: 'Proxies will reject each other. Re-issue the issuer from the current trust anchor, or add its signing root to the trust bundle',
      }),
    );
  }
  if (issuers.length > 0 && issuers.every(i => i.signedByTrustAnchor)) {
    checks.push(
      checkResult(COMMON_CHECKS.issuerChain, {
        status: 'pass',
        message: 'The issuer certificate is signed by the trust anchor',
      }),
    );
  }
  return checks;
}
