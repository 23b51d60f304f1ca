import { X509Certificate } from 'node:crypto';
import {
  CertificateInfo,
  CertificateRole,
  CertificateThresholds,
  certificateStatus,
  workloadCertificateStatus,
  daysLeft,
} from '@meshlens/plugin-mesh-common';
import {
  MeshCertificateSource,
  MeshClusterReader,
  KUBE_RESOURCES,
} from '@meshlens/plugin-mesh-node';

const PEM_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** An issuer certificate and whether a trust anchor of its mesh signed it. */
export interface IssuerVerification {
  subject: string;
  source: string;
  signedByTrustAnchor: boolean;
}

export interface CertificateReadResult {
  certificates: CertificateInfo[];
  issuers: IssuerVerification[];
  errors: string[];
}

/**
 * Reads the certificates an adapter names. Only the named keys of a Secret
 * are decoded, and only PEM `CERTIFICATE` blocks of them are kept: private
 * keys are never decoded, returned, logged or cached.
 */
export class CertificateReader {
  constructor(
    private readonly thresholds: CertificateThresholds,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(
    reader: MeshClusterReader,
    sources: MeshCertificateSource[],
  ): Promise<CertificateReadResult> {
    const found: Array<{ info: CertificateInfo; cert?: X509Certificate }> = [];
    const errors: string[] = [];
    await Promise.all(
      sources.map(async source => {
        try {
          found.push(...(await this.readSource(reader, source)));
        } catch (e) {
          errors.push(
            `${source.kind} ${source.namespace}/${source.name}: ${
              (e as Error).message
            }`,
          );
        }
      }),
    );
    const unique = dedupe(found);
    const anchors = unique
      .filter(c => c.info.role === 'trust-anchor' && c.cert)
      .map(c => c.cert!);
    const issuers = unique
      .filter(c => c.info.role === 'issuer' && c.cert)
      .map(c => ({
        subject: c.info.subject,
        source: c.info.source,
        signedByTrustAnchor:
          anchors.length > 0 && anchors.some(a => verifies(c.cert!, a)),
      }));
    return {
      certificates: unique.map(c => c.info),
      issuers: anchors.length > 0 ? issuers : [],
      errors,
    };
  }

  /** Builds the DTO of a certificate that expires at `notAfter`. */
  info(fields: Omit<CertificateInfo, 'daysLeft' | 'status'>): CertificateInfo {
    const now = this.now();
    const days = daysLeft(fields.notAfter, now);
    return {
      ...fields,
      daysLeft: days,
      status:
        fields.role === 'workload'
          ? workloadCertificateStatus(fields.notAfter, now)
          : certificateStatus(days, this.thresholds),
    };
  }

  /** Certificates of a PEM bundle (one or several CERTIFICATE blocks). */
  parseBundle(
    pem: string,
    role: CertificateRole,
    source: string,
  ): Array<{ info: CertificateInfo; cert: X509Certificate }> {
    return (pem.match(PEM_BLOCK) ?? []).map(block => {
      const cert = new X509Certificate(block);
      return {
        cert,
        info: this.info({
          role,
          subject: formatName(cert.subject),
          issuer: formatName(cert.issuer),
          serialNumber: cert.serialNumber,
          notBefore: new Date(cert.validFrom).toISOString(),
          notAfter: new Date(cert.validTo).toISOString(),
          source,
        }),
      };
    });
  }

  private async readSource(
    reader: MeshClusterReader,
    source: MeshCertificateSource,
  ): Promise<Array<{ info: CertificateInfo; cert?: X509Certificate }>> {
    if (source.kind === 'Certificate') {
      return this.readCertManager(reader, source);
    }
    const object = await reader.get(
      source.kind === 'Secret'
        ? KUBE_RESOURCES.secret
        : KUBE_RESOURCES.configMap,
      source.name,
      source.namespace,
    );
    if (!object) return [];
    const data = (object as { data?: Record<string, string> }).data ?? {};
    const out: Array<{ info: CertificateInfo; cert: X509Certificate }> = [];
    const rolesDone = new Set<CertificateRole>();
    for (const { key, role } of source.keys) {
      if (rolesDone.has(role) || !data[key]) continue;
      const text =
        source.kind === 'Secret'
          ? Buffer.from(data[key], 'base64').toString('utf8')
          : data[key];
      const parsed = this.parseBundle(
        text,
        role,
        `${source.kind} ${source.namespace}/${source.name} ${key}`,
      );
      if (parsed.length > 0) {
        rolesDone.add(role);
        out.push(...parsed);
      }
    }
    return out;
  }

  private async readCertManager(
    reader: MeshClusterReader,
    source: MeshCertificateSource,
  ): Promise<Array<{ info: CertificateInfo }>> {
    const object = await reader.get(
      KUBE_RESOURCES.certManagerCertificate,
      source.name,
      source.namespace,
    );
    const status = object?.status;
    if (!object || !status?.notAfter) return [];
    const role = source.keys[0]?.role ?? 'issuer';
    return [
      {
        info: this.info({
          role,
          subject: object.spec?.commonName ?? object.metadata.name,
          issuer: object.spec?.issuerRef?.name ?? '',
          serialNumber: '',
          notBefore: new Date(
            status.notBefore ?? status.notAfter,
          ).toISOString(),
          notAfter: new Date(status.notAfter).toISOString(),
          source: `Certificate ${source.namespace}/${source.name} (cert-manager status)`,
        }),
      },
    ];
  }
}

function verifies(cert: X509Certificate, anchor: X509Certificate): boolean {
  try {
    return cert.checkIssued(anchor) && cert.verify(anchor.publicKey);
  } catch {
    return false;
  }
}

/** `CN=root.linkerd.cluster.local\nO=x` → `CN=root.linkerd.cluster.local, O=x` */
function formatName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** The same certificate read twice (a Secret and its cert-manager Certificate, a copied bundle) is listed once. */
function dedupe<T extends { info: CertificateInfo }>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = item.info.serialNumber
      ? `${item.info.role}|${item.info.serialNumber}|${item.info.issuer}`
      : `${item.info.role}|${item.info.notAfter}`;
    const existing = seen.get(key);
    // Prefer the parsed certificate over cert-manager's status.
    if (!existing || (!existing.info.serialNumber && item.info.serialNumber)) {
      seen.set(key, item);
    }
  }
  // A cert-manager entry with the same expiry as a parsed certificate is the same one.
  const parsedExpiries = new Set(
    [...seen.values()]
      .filter(i => i.info.serialNumber)
      .map(i => `${i.info.role}|${i.info.notAfter}`),
  );
  return [...seen.values()].filter(
    i =>
      i.info.serialNumber ||
      !parsedExpiries.has(`${i.info.role}|${i.info.notAfter}`),
  );
}
