import { DataPlane, MeshName, MtlsMode } from '@meshlens/plugin-mesh-common';

const DATA_PLANE_LABELS: Record<DataPlane, string> = {
  sidecar: 'sidecar',
  ambient: 'ambient',
  ebpf: 'eBPF',
  none: 'none',
};

const MTLS_LABELS: Record<MtlsMode, string> = {
  strict: 'strict',
  permissive: 'permissive',
  disabled: 'off',
  automatic: 'automatic',
  unknown: 'unknown',
};

/**
 * The mesh's title as its adapter gave it to the API, else its id; the
 * frontend knows no mesh by name.
 */
export const meshLabel = (mesh: MeshName, title?: string) =>
  mesh === 'none' ? 'No mesh' : title ?? mesh;

export const dataPlaneLabel = (dataPlane: DataPlane) =>
  DATA_PLANE_LABELS[dataPlane] ?? dataPlane;

/** "Linkerd · sidecar", or "No mesh". */
export function meshAndDataPlane(
  mesh: MeshName,
  dataPlane: DataPlane,
  title?: string,
) {
  return mesh === 'none'
    ? meshLabel(mesh)
    : `${meshLabel(mesh, title)} · ${dataPlaneLabel(dataPlane)}`;
}

export const mtlsLabel = (mode: MtlsMode) => MTLS_LABELS[mode] ?? mode;

/** True when the mode means every meshed connection is mutually authenticated. */
export const isMtlsOn = (mode: MtlsMode) =>
  mode === 'strict' || mode === 'automatic';

export const DASH = '–';

export function formatPercent(share: number | null | undefined, digits = 1) {
  if (share === null || share === undefined || Number.isNaN(share)) return DASH;
  const percent = share * 100;
  // 99.95% must not round up to a reassuring 100%.
  const factor = 10 ** digits;
  // toFixed(6) first drops float noise: 0.9712 * 100 is 97.11999999999999.
  const floored = Math.floor(Number((percent * factor).toFixed(6))) / factor;
  return `${floored.toFixed(share >= 1 ? 0 : digits)}%`;
}

export function formatRps(rps: number | null | undefined) {
  if (rps === null || rps === undefined || Number.isNaN(rps)) return DASH;
  if (rps === 0) return '0 req/s';
  if (rps < 0.1) return `${rps.toFixed(3)} req/s`;
  if (rps < 10) return `${rps.toFixed(2)} req/s`;
  return `${rps.toFixed(1)} req/s`;
}

export function formatMs(ms: number | null | undefined) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return DASH;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/**
 * "12 days left"; under a day, hours when the expiry time is known, since
 * workload certificates live about a day and renew themselves.
 */
export function formatDaysLeft(
  daysLeft: number,
  notAfter?: string,
  now: Date = new Date(),
) {
  if (daysLeft < 0) {
    const ago = Math.abs(Math.floor(daysLeft));
    return `expired ${ago} day${ago === 1 ? '' : 's'} ago`;
  }
  const days = Math.floor(daysLeft);
  if (days === 0 && notAfter) {
    const hours = Math.floor(
      (new Date(notAfter).getTime() - now.getTime()) / 3_600_000,
    );
    if (hours >= 1) return `${hours} h left`;
  }
  if (days === 0) return 'expires today';
  return `${days} day${days === 1 ? '' : 's'} left`;
}
