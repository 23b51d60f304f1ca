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
  PromSample,
} from '@meshlens/plugin-mesh-node';

/** Where the reader sends a `Metric` source's query: the cluster's Prometheus. */
export type CertificateMetricQuery = (promql: string) => Promise<PromSample[]>;

/** @public */
export interface CertificateReaderOptions {
  /**
   * Reads the Secrets the adapters name (`mesh.certificates.readSecrets`).
   * Off by default: the Kubernetes identity would need `get` on Secrets that
   * hold the mesh's private keys.
   */
  readSecrets?: boolean;
}

const PEM_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** An issuer certificate and whether a trust anchor of its mesh signed it. */
export interface IssuerVerification {
  subject: string;
  source: string;
  signedByTrustAnchor: boolean;
}

/** A source that could not be read, and from which upstream. */
export interface CertificateReadError {
  source: 'kubernetes' | 'prometheus';
  message: string;
}

export interface CertificateReadResult {
  certificates: CertificateInfo[];
  issuers: IssuerVerification[];
  errors: CertificateReadError[];
}

/**
 * Reads the certificates an adapter names: public bundles from ConfigMaps,
 * cert-manager `Certificate` status, the control plane's expiry metrics and,
 * only when `readSecrets` is on, Secrets. Of a Secret only the named keys
 * are decoded, and only PEM `CERTIFICATE` blocks of them are kept: private
 * keys are never decoded, returned, logged or cached.
 */
export class CertificateReader {
  private readonly readSecrets: boolean;

  constructor(
    private readonly thresholds: CertificateThresholds,
    options: CertificateReaderOptions = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.readSecrets = options.readSecrets ?? false;
  }

  async read(
    reader: MeshClusterReader,
    sources: MeshCertificateSource[],
    queryMetric?: CertificateMetricQuery,
  ): Promise<CertificateReadResult> {
    const found: Array<{ info: CertificateInfo; cert?: X509Certificate }> = [];
    const errors: CertificateReadError[] = [];
    const wanted = sources.filter(
      s =>
        (s.kind !== 'Secret' || this.readSecrets) &&
        (s.kind !== 'Metric' || (queryMetric && s.query)),
    );
    await Promise.all(
      wanted.map(async source => {
        try {
          found.push(
            ...(source.kind === 'Metric'
              ? await this.readMetric(source, queryMetric!)
              : await this.readSource(reader, source)),
          );
        } catch (e) {
          errors.push({
            source: source.kind === 'Metric' ? 'prometheus' : 'kubernetes',
            message: `${source.kind} ${source.namespace}/${source.name}: ${
              (e as Error).message
            }`,
          });
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

  private async readMetric(
    source: MeshCertificateSource,
    queryMetric: CertificateMetricQuery,
  ): Promise<Array<{ info: CertificateInfo }>> {
    const samples = await queryMetric(source.query!);
    const expiries = samples.map(s => s.value).filter(v => v > 0);
    if (expiries.length === 0) return [];
    // Several replicas of the control plane: the soonest is what expires.
    const notAfter = new Date(Math.min(...expiries) * 1000).toISOString();
    return [
      {
        info: this.info({
          role: source.keys[0]?.role ?? 'issuer',
          subject: source.name,
          issuer: '',
          serialNumber: '',
          notBefore: '',
          notAfter,
          source: `metric ${
            source.keys[0]?.key ?? source.query
          } (control plane in ${source.namespace})`,
        }),
      },
    ];
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
  // An entry from status or metrics that expires within a minute of a
  // parsed certificate (or of an earlier such entry) of the same role is
  // the same certificate: a metric's TTL is counted from scrape time.
  const kept: T[] = [...seen.values()].filter(i => i.info.serialNumber);
  const bare = [...seen.values()].filter(i => !i.info.serialNumber);
  for (const item of bare) {
    const at = Date.parse(item.info.notAfter);
    const same = kept.some(
      k =>
        k.info.role === item.info.role &&
        Math.abs(Date.parse(k.info.notAfter) - at) <= 60_000,
    );
    if (!same) kept.push(item);
  }
  return kept;
}
