import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CertificateThresholds,
  DEFAULT_CERTIFICATE_THRESHOLDS,
} from '@meshlens/plugin-mesh-common';
import {
  assertPromDuration,
  DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES,
  promDurationSeconds,
} from '@meshlens/plugin-mesh-node';
import {
  DEFAULT_MAX_RANGE,
  DEFAULT_MAX_WINDOW,
  MAX_POINTS,
  MIN_WINDOW_SECONDS,
  RequestBounds,
} from './requestBounds';

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
  /** Whether shared answers are read again in the background near the end of their TTL. */
  refreshAhead: boolean;
  topologyHintSeconds: number;
  certificates: CertificateThresholds & { readSecrets: boolean };
  bounds: RequestBounds;
  /** Most entries Meshlens keeps in the cache service at once. */
  cacheMaxEntries: number;
  /** Most bytes read from one Prometheus answer. */
  maxResponseBytes: number;
  /** Limits of the reads of Kubernetes. */
  kubernetes: {
    /** Most bytes read from one answer (one LIST page). */
    maxResponseBytes: number;
    /** Most objects one LIST may return in all its pages. */
    maxListItems: number;
  };
}

export const DEFAULT_WINDOW = '5m';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CACHE_TTL_SECONDS = 15;
export const DEFAULT_TOPOLOGY_HINT_SECONDS = 600;
export const DEFAULT_CACHE_MAX_ENTRIES = 5000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_KUBERNETES_MAX_LIST_ITEMS = 100_000;

/** An optional positive integer under `mesh.`; a bad value names its key. */
function positiveInteger(
  config: Config | undefined,
  key: string,
  defaultValue: number,
): number {
  const value = config?.getOptionalNumber(key) ?? defaultValue;
  if (!(Number.isInteger(value) && value > 0)) {
    throw new InputError(
      `mesh.${key} must be a positive integer, got ${value}`,
    );
  }
  return value;
}

/** Checks a Prometheus URL without ever echoing it: it may hold credentials. */
function prometheusUrl(url: string, index: number): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new InputError(
      `mesh.clusters[${index}].prometheus.url must be an http or https URL such as http://prometheus:9090`,
    );
  }
  return url.replace(/\/+$/, '');
}

/** Seconds of a duration config value, within limits; a bad value names the key. */
function durationSeconds(
  key: string,
  value: string,
  limits: { min: number; max?: number },
): number {
  return promDurationSeconds(
    assertPromDuration(value, key, {
      minSeconds: limits.min,
      maxSeconds: limits.max,
    }),
  );
}

/** Reads `mesh.*` with its defaults; a bad value fails at startup naming the key. */
export function readMeshConfig(root: Config): MeshConfig {
  const config = root.getOptionalConfig('mesh');
  const clusters = (config?.getOptionalConfigArray('clusters') ?? []).map(
    (c, i) => {
      const prometheus = c.getOptionalConfig('prometheus');
      const headers = prometheus?.getOptionalConfig('headers');
      const links = c.getOptionalConfig('links');
      return {
        name: c.getString('name'),
        prometheus: prometheus && {
          url: prometheusUrl(prometheus.getString('url'), i),
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
    },
  );
  const maxWindowSeconds = durationSeconds(
    'mesh.maxWindow',
    config?.getOptionalString('maxWindow') ?? DEFAULT_MAX_WINDOW,
    { min: MIN_WINDOW_SECONDS },
  );
  const maxRangeSeconds = durationSeconds(
    'mesh.timeseries.maxRange',
    config?.getOptionalString('timeseries.maxRange') ?? DEFAULT_MAX_RANGE,
    { min: 60 },
  );
  const window = config?.getOptionalString('window') ?? DEFAULT_WINDOW;
  durationSeconds('mesh.window', window, {
    min: MIN_WINDOW_SECONDS,
    max: maxWindowSeconds,
  });
  const cacheMaxEntries = positiveInteger(
    config,
    'cacheMaxEntries',
    DEFAULT_CACHE_MAX_ENTRIES,
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
  const maxResponseBytes = positiveInteger(
    config,
    'maxResponseBytes',
    DEFAULT_MAX_RESPONSE_BYTES,
  );
  const kubernetes = {
    maxResponseBytes: positiveInteger(
      config,
      'kubernetes.maxResponseBytes',
      DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES,
    ),
    maxListItems: positiveInteger(
      config,
      'kubernetes.maxListItems',
      DEFAULT_KUBERNETES_MAX_LIST_ITEMS,
    ),
  };
  return {
    clusters,
    window,
    timeoutMs,
    cacheTtlSeconds,
    refreshAhead: config?.getOptionalBoolean('cache.refreshAhead') ?? false,
    topologyHintSeconds,
    certificates,
    bounds: { maxWindowSeconds, maxRangeSeconds, maxPoints: MAX_POINTS },
    cacheMaxEntries,
    maxResponseBytes,
    kubernetes,
  };
}
