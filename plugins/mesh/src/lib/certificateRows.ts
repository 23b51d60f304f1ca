import { ClusterCertificate } from '@meshlens/plugin-mesh-common';
import { formatDaysLeft, meshLabel } from './format';

/** One row of the fleet's certificate timeline. */
export interface CertificateRow {
  key: string;
  /** cluster · mesh · role · subject (or the count of workload certificates). */
  text: string;
  /** "issuer identity.linkerd.cluster.local on homelab", for screen readers. */
  spoken: string;
  daysLeft: number;
  status: ClusterCertificate['status'];
  /** "12 days left", or hours for a certificate that lives about a day. */
  left: string;
  notAfter: string;
  /** Where it was read, or how many a group holds. */
  detail: string;
}

const countOf = (n: number) => `${n} workload certificate${n === 1 ? '' : 's'}`;

/**
 * The timeline's rows: each trust anchor, issuer and webhook certificate on
 * its own, and the workload certificates of a cluster's mesh as one row at
 * the soonest of them. Proxies renew them every day, so dozens of rows of
 * "13 h left" would hide the certificates that need a person.
 */
export function certificateRows(
  certificates: ClusterCertificate[],
  now: Date = new Date(),
): CertificateRow[] {
  const rows: CertificateRow[] = [];
  const groups = new Map<string, ClusterCertificate[]>();
  for (const cert of certificates) {
    const where = `${cert.cluster} · ${meshLabel(cert.mesh, cert.meshTitle)}`;
    if (cert.role === 'workload') {
      groups.set(where, [...(groups.get(where) ?? []), cert]);
      continue;
    }
    rows.push({
      key: `${cert.cluster}/${cert.source}/${cert.serialNumber}`,
      text: `${where} · ${cert.role} · ${cert.subject}`,
      spoken: `${cert.role} ${cert.subject} on ${cert.cluster}`,
      daysLeft: cert.daysLeft,
      status: cert.status,
      left: formatDaysLeft(cert.daysLeft, cert.notAfter, now),
      notAfter: cert.notAfter,
      detail: cert.source,
    });
  }
  for (const [where, certs] of groups) {
    const soonest = [...certs].sort(
      (a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter),
    )[0];
    const left = formatDaysLeft(soonest.daysLeft, soonest.notAfter, now);
    rows.push({
      key: `${where}/workload`,
      text: `${where} · workload · ${countOf(certs.length)}`,
      spoken: `${countOf(certs.length)} on ${soonest.cluster}`,
      daysLeft: soonest.daysLeft,
      status: soonest.status,
      left: certs.length > 1 ? `soonest ${left}` : left,
      notAfter: soonest.notAfter,
      detail: `${countOf(
        certs.length,
      )}, renewed by the proxies; the soonest is ${soonest.subject}`,
    });
  }
  return rows.sort((a, b) => a.daysLeft - b.daysLeft);
}
