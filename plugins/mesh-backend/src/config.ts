import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CertificateThresholds,
  DEFAULT_CERTIFICATE_THRESHOLDS,
} from '@meshlens/plugin-mesh-common';
import { assertPromDuration } from '@meshlens/plugin-mesh-node';

/** @public */
export interface MeshClusterConfig {
  name: string;
  prometheus?: { url: string; headers: Record<string, string> };
  links: { linkerdViz?: string; kiali?: string; grafana?: string };
}

/** @public */
export interface MeshConfig {
  clusters: MeshClusterConfig[];
  window: string;
  timeoutMs: number;
  cacheTtlSeconds: number;
  topologyHintSeconds: number;
  certificates: CertificateThresholds & { readSecrets: boolean };
}

export const DEFAULT_WINDOW = '5m';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CACHE_TTL_SECONDS = 15;
export const DEFAULT_TOPOLOGY_HINT_SECONDS = 600;

/** Reads `mesh.*` with its defaults; a bad value fails at startup naming the key. */
export function readMeshConfig(root: Config): MeshConfig {
  const config = root.getOptionalConfig('mesh');
  const clusters = (config?.getOptionalConfigArray('clusters') ?? []).map(c => {
    const prometheus = c.getOptionalConfig('prometheus');
    const headers = prometheus?.getOptionalConfig('headers');
    const links = c.getOptionalConfig('links');
    return {
      name: c.getString('name'),
      prometheus: prometheus && {
        url: prometheus.getString('url').replace(/\/+$/, ''),
        headers: Object.fromEntries(
          (headers?.keys() ?? []).map(k => [k, headers!.getString(k)]),
        ),
      },
      links: {
        linkerdViz: links?.getOptionalString('linkerdViz'),
        kiali: links?.getOptionalString('kiali'),
        grafana: links?.getOptionalString('grafana'),
      },
    };
  });
  const window = assertPromDuration(
    config?.getOptionalString('window') ?? DEFAULT_WINDOW,
    'mesh.window',
    { minSeconds: 1 },
  );
  const timeoutMs =
    config?.getOptionalNumber('timeoutMs') ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) {
    throw new InputError(`mesh.timeoutMs must be positive, got ${timeoutMs}`);
  }
  const cacheTtlSeconds =
    config?.getOptionalNumber('cacheTtlSeconds') ?? DEFAULT_CACHE_TTL_SECONDS;
  const topologyHintSeconds =
    config?.getOptionalNumber('topologyHintSeconds') ??
    DEFAULT_TOPOLOGY_HINT_SECONDS;
  if (!(topologyHintSeconds >= 0)) {
    throw new InputError(
      `mesh.topologyHintSeconds must be 0 or more, got ${topologyHintSeconds}`,
    );
  }
  const certificates = {
    warningDays:
      config?.getOptionalNumber('certificates.warningDays') ??
      DEFAULT_CERTIFICATE_THRESHOLDS.warningDays,
    criticalDays:
      config?.getOptionalNumber('certificates.criticalDays') ??
      DEFAULT_CERTIFICATE_THRESHOLDS.criticalDays,
    // Off unless asked for: see config.d.ts for the risk.
    readSecrets:
      config?.getOptionalBoolean('certificates.readSecrets') ?? false,
  };
  if (certificates.criticalDays > certificates.warningDays) {
    throw new InputError(
      'mesh.certificates.criticalDays must not exceed mesh.certificates.warningDays',
    );
  }
  return {
    clusters,
    window,
    timeoutMs,
    cacheTtlSeconds,
    topologyHintSeconds,
    certificates,
  };
}
