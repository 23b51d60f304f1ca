import {
  CertificateInfo,
  MeshCheck,
  compareCertificateStatus,
} from '@meshlens/plugin-mesh-common';
import { IssuerVerification } from '../../clients/CertificateReader';

/** `certificates.expiry`: the certificates that expire soon or have expired. */
export function certificateExpiryChecks(
  certificates: CertificateInfo[],
): MeshCheck[] {
  const bad = certificates.filter(c => c.status !== 'ok');
  if (certificates.length === 0) return [];
  if (bad.length === 0) {
    return [
      {
        id: 'certificates.expiry',
        status: 'pass',
        message: `${
          certificates.length
        } certificate(s), the soonest expires in ${Math.min(
          ...certificates.map(c => c.daysLeft),
        )} days`,
        hint: '',
      },
    ];
  }
  const worst = [...bad].sort((a, b) =>
    compareCertificateStatus(b.status, a.status),
  )[0];
  return [
    {
      id: 'certificates.expiry',
      status: worst.status === 'warning' ? 'warn' : 'fail',
      message: bad
        .map(c =>
          c.status === 'expired'
            ? `${c.role} ${c.subject} expired ${-c.daysLeft} day(s) ago`
            : `${c.role} ${c.subject} expires in ${c.daysLeft} day(s)`,
        )
        .join('; '),
      hint:
        worst.role === 'workload'
          ? 'Workload certificates renew themselves: a proxy that does not renew cannot reach its identity service; restart it and check the control plane'
          : `Rotate the ${worst.role} (${worst.source}); with cert-manager, check the Certificate's Ready condition and renewal time`,
    },
  ];
}

/** `certificates.issuer-chain`: whether each issuer is signed by a trust anchor. */
export function issuerChainChecks(issuers: IssuerVerification[]): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const issuer of issuers.filter(i => !i.signedByTrustAnchor)) {
    checks.push({
      id: 'certificates.issuer-chain',
      status: 'fail',
      message: `The issuer certificate ${issuer.subject} (${issuer.source}) is not signed by any trust anchor`,
      hint: 'Proxies will reject each other. Re-issue the issuer from the current trust anchor, or add its signing root to the trust bundle',
    });
  }
  if (issuers.length > 0 && issuers.every(i => i.signedByTrustAnchor)) {
    checks.push({
      id: 'certificates.issuer-chain',
      status: 'pass',
      message: 'The issuer certificate is signed by the trust anchor',
      hint: '',
    });
  }
  return checks;
}
