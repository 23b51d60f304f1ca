import { X509Certificate } from 'node:crypto';
import { MeshClusterReader } from '@meshlens/plugin-mesh-node';
import { b64, makeCertificate } from '../__testUtils__/certificates';
import { CertificateReader } from './CertificateReader';

function readerOf(objects: Record<string, any>): MeshClusterReader {
  return {
    cluster: 'test',
    list: async () => [],
    get: async (type, name, namespace) =>
      objects[`${type.kind}/${namespace}/${name}`],
  };
}

describe('CertificateReader', () => {
  const reader = new CertificateReader(
    { warningDays: 30, criticalDays: 7 },
    { readSecrets: true },
  );

  it('reads every certificate of a PEM bundle and verifies the issuer against the anchors', async () => {
    const anchor = await makeCertificate({ cn: 'root-a', daysLeft: 400 });
    const otherAnchor = await makeCertificate({ cn: 'root-b', daysLeft: 5 });
    const issuer = await makeCertificate({
      cn: 'issuer',
      daysLeft: 40,
      issuer: anchor,
    });
    const result = await reader.read(
      readerOf({
        'ConfigMap/linkerd/roots': {
          metadata: { name: 'roots' },
          data: { 'ca-bundle.crt': `${otherAnchor.pem}\n${anchor.pem}` },
        },
        'Secret/linkerd/issuer': {
          metadata: { name: 'issuer' },
          data: { 'crt.pem': b64(issuer.pem), 'key.pem': b64(issuer.keyPem) },
        },
      }),
      [
        {
          kind: 'ConfigMap',
          namespace: 'linkerd',
          name: 'roots',
          keys: [{ key: 'ca-bundle.crt', role: 'trust-anchor' }],
        },
        {
          kind: 'Secret',
          namespace: 'linkerd',
          name: 'issuer',
          keys: [
            { key: 'crt.pem', role: 'issuer' },
            { key: 'key.pem', role: 'issuer' },
          ],
        },
        {
          kind: 'Secret',
          namespace: 'linkerd',
          name: 'missing',
          keys: [{ key: 'tls.crt', role: 'webhook' }],
        },
      ],
    );
    expect(result.errors).toEqual([]);
    expect(
      result.certificates.map(c => [c.role, c.subject, c.status, c.daysLeft]),
    ).toEqual(
      expect.arrayContaining([
        ['trust-anchor', 'CN=root-a', 'ok', 400],
        ['trust-anchor', 'CN=root-b', 'critical', 5],
        ['issuer', 'CN=issuer', 'ok', 40],
      ]),
    );
    expect(result.certificates).toHaveLength(3);
    expect(result.issuers).toEqual([
      {
        subject: 'CN=issuer',
        source: 'Secret linkerd/issuer crt.pem',
        signedByTrustAnchor: true,
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
  });

  it('flags an issuer that no trust anchor signed', async () => {
    const anchor = await makeCertificate({ cn: 'root', daysLeft: 400 });
    const rogueRoot = await makeCertificate({ cn: 'root', daysLeft: 400 });
    const issuer = await makeCertificate({
      cn: 'issuer',
      daysLeft: 40,
      issuer: rogueRoot,
    });
    const result = await reader.read(
      readerOf({
        'Secret/istio-system/cacerts': {
          metadata: { name: 'cacerts' },
          data: {
            'ca-cert.pem': b64(issuer.pem),
            'root-cert.pem': b64(anchor.pem),
          },
        },
      }),
      [
        {
          kind: 'Secret',
          namespace: 'istio-system',
          name: 'cacerts',
          keys: [
            { key: 'ca-cert.pem', role: 'issuer' },
            { key: 'root-cert.pem', role: 'trust-anchor' },
          ],
        },
      ],
    );
    // Same subject name, different key: only the signature tells them apart.
    expect(result.issuers[0].signedByTrustAnchor).toBe(false);
  });

  it('reads cert-manager Certificate status and grades expired ones', async () => {
    const result = await reader.read(
      readerOf({
        'Certificate/linkerd/linkerd-identity-issuer': {
          metadata: { name: 'linkerd-identity-issuer' },
          spec: {
            commonName: 'identity.linkerd.cluster.local',
            issuerRef: { name: 'linkerd-trust-anchor' },
          },
          status: {
            notBefore: '2020-01-01T00:00:00Z',
            notAfter: '2021-01-01T00:00:00Z',
          },
        },
      }),
      [
        {
          kind: 'Certificate',
          namespace: 'linkerd',
          name: 'linkerd-identity-issuer',
          keys: [{ key: 'status', role: 'issuer' }],
        },
      ],
    );
    expect(result.certificates[0]).toMatchObject({
      role: 'issuer',
      subject: 'identity.linkerd.cluster.local',
      issuer: 'linkerd-trust-anchor',
      status: 'expired',
      notAfter: '2021-01-01T00:00:00.000Z',
      source:
        'Certificate linkerd/linkerd-identity-issuer (cert-manager status)',
    });
  });

  it('reports unreadable sources as errors without failing the others', async () => {
    const anchor = await makeCertificate({ cn: 'root', daysLeft: 10 });
    const result = await reader.read(
      {
        cluster: 'x',
        list: async () => [],
        get: async (_t, name) => {
          if (name === 'broken') throw new Error('403 Forbidden');
          return { metadata: { name }, data: { 'root-cert.pem': anchor.pem } };
        },
      },
      [
        {
          kind: 'Secret',
          namespace: 'a',
          name: 'broken',
          keys: [{ key: 'tls.crt', role: 'webhook' }],
        },
        {
          kind: 'ConfigMap',
          namespace: 'a',
          name: 'ok',
          keys: [{ key: 'root-cert.pem', role: 'trust-anchor' }],
        },
      ],
    );
    expect(result.errors).toEqual([
      { source: 'kubernetes', message: 'Secret a/broken: 403 Forbidden' },
    ]);
    expect(result.certificates.map(c => c.status)).toEqual(['warning']);
  });

  it('reads no Secret by default, and takes expiry from ConfigMaps, cert-manager status and control-plane metrics', async () => {
    const anchor = await makeCertificate({ cn: 'root', daysLeft: 3650 });
    const gets: string[] = [];
    const queries: string[] = [];
    const chainExpiry = Math.floor(Date.now() / 1000) + 20 * 86400 + 3600;
    const byDefault = new CertificateReader({
      warningDays: 30,
      criticalDays: 7,
    });
    const anchorExpiry = Math.floor(
      Date.parse(new X509Certificate(anchor.pem).validTo) / 1000,
    );
    const result = await byDefault.read(
      {
        cluster: 'x',
        list: async () => [],
        get: async (type, name, namespace) => {
          gets.push(`${type.kind}/${namespace}/${name}`);
          return { metadata: { name }, data: { 'root-cert.pem': anchor.pem } };
        },
      },
      [
        {
          kind: 'Secret',
          namespace: 'istio-system',
          name: 'cacerts',
          keys: [{ key: 'ca-cert.pem', role: 'issuer' }],
        },
        {
          kind: 'ConfigMap',
          namespace: 'istio-system',
          name: 'istio-ca-root-cert',
          keys: [{ key: 'root-cert.pem', role: 'trust-anchor' }],
        },
        {
          kind: 'Metric',
          namespace: 'istio-system',
          name: 'istiod root certificate',
          query: 'min(root_expiry)',
          keys: [{ key: 'root_expiry', role: 'trust-anchor' }],
        },
        {
          kind: 'Metric',
          namespace: 'istio-system',
          name: 'istiod CA certificate chain',
          query: 'min(chain_expiry)',
          keys: [{ key: 'chain_expiry', role: 'issuer' }],
        },
      ],
      async promql => {
        queries.push(promql);
        return [
          {
            metric: {},
            value: promql.includes('root') ? anchorExpiry : chainExpiry,
          },
        ];
      },
    );
    expect(gets).toEqual(['ConfigMap/istio-system/istio-ca-root-cert']);
    expect(queries.sort()).toEqual(['min(chain_expiry)', 'min(root_expiry)']);
    expect(result.errors).toEqual([]);
    // The root from the metric is the ConfigMap's root: listed once, parsed.
    expect(
      result.certificates.map(c => [c.role, c.subject, c.daysLeft, c.status]),
    ).toEqual([
      ['trust-anchor', 'CN=root', expect.any(Number), 'ok'],
      ['issuer', 'istiod CA certificate chain', 20, 'warning'],
    ]);
    expect(result.certificates[1].source).toBe(
      'metric chain_expiry (control plane in istio-system)',
    );
  });
});
