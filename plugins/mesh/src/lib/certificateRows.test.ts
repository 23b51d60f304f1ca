import { ClusterCertificate } from '@meshlens/plugin-mesh-common';
import { certificateRows } from './certificateRows';

const now = new Date('2026-12-01T12:00:00Z');
const cert = (over: Partial<ClusterCertificate>): ClusterCertificate => ({
  cluster: 'homelab',
  mesh: 'linkerd',
  meshTitle: 'Linkerd',
  role: 'workload',
  subject:
    'storefront.storefront.serviceaccount.identity.linkerd.cluster.local',
  issuer: 'identity.linkerd.cluster.local',
  serialNumber: '1',
  notBefore: '2026-12-01T00:00:00Z',
  notAfter: '2026-12-02T01:00:00Z',
  daysLeft: 0.54,
  status: 'ok',
  source: 'Metric identity_cert_expiration_timestamp_seconds',
  ...over,
});

describe('certificateRows', () => {
  it('groups the workload certificates of a cluster and shows the soonest in hours', () => {
    const rows = certificateRows(
      [
        cert({}),
        cert({
          subject:
            'payments.payments.serviceaccount.identity.linkerd.cluster.local',
          serialNumber: '2',
          notAfter: '2026-12-02T05:00:00Z',
          daysLeft: 0.7,
        }),
        cert({
          role: 'issuer',
          subject: 'identity.linkerd.cluster.local',
          serialNumber: '3',
          notAfter: '2026-12-13T12:00:00Z',
          daysLeft: 12,
          status: 'warning',
          source: 'Secret linkerd/linkerd-identity-issuer crt.pem',
        }),
      ],
      now,
    );
    expect(rows.map(r => [r.text, r.left])).toEqual([
      [
        'homelab · Linkerd · workload · 2 workload certificates',
        'soonest 13 h left',
      ],
      [
        'homelab · Linkerd · issuer · identity.linkerd.cluster.local',
        '12 days left',
      ],
    ]);
    expect(rows[0].detail).toBe(
      '2 workload certificates, renewed by the proxies; the soonest is storefront.storefront.serviceaccount.identity.linkerd.cluster.local',
    );
  });

  it('keeps one row per cluster and counts grammatically', () => {
    const rows = certificateRows(
      [cert({}), cert({ cluster: 'cloud', serialNumber: '9' })],
      now,
    );
    expect(rows.map(r => r.text)).toEqual([
      'homelab · Linkerd · workload · 1 workload certificate',
      'cloud · Linkerd · workload · 1 workload certificate',
    ]);
    expect(rows[0].left).toBe('13 h left');
    expect(rows[0].spoken).toBe('1 workload certificate on homelab');
  });
});
