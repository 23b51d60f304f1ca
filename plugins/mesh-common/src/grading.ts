import { CertificateStatus, CheckStatus, MeshCheck, MtlsMode } from './types';

/**
 * Days before expiry at which a certificate turns warning and critical.
 * @public
 */
export interface CertificateThresholds {
  warningDays: number;
  criticalDays: number;
}

/** @public */
export const DEFAULT_CERTIFICATE_THRESHOLDS: CertificateThresholds = {
  warningDays: 30,
  criticalDays: 7,
};

const DAY_MS = 86_400_000;

/**
 * Whole days left until `notAfter`, negative once expired (a certificate
 * that expired an hour ago has -1 days left).
 * @public
 */
export function daysLeft(notAfter: Date | string, now: Date = new Date()) {
  const end = typeof notAfter === 'string' ? new Date(notAfter) : notAfter;
  return Math.floor((end.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The status of a certificate with `days` whole days left.
 * @public
 */
export function certificateStatus(
  days: number,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): CertificateStatus {
  if (days < 0) return 'expired';
  if (days <= thresholds.criticalDays) return 'critical';
  if (days <= thresholds.warningDays) return 'warning';
  return 'ok';
}

/**
 * Hours before expiry at which a workload certificate turns warning and
 * critical.
 * @public
 */
export interface WorkloadCertificateThresholds {
  warningHours: number;
  criticalHours: number;
}

/**
 * Linkerd and Istio issue workload certificates for 24 hours and their
 * proxies renew them when 30% (Linkerd) or 50% (Istio) of that is left, so a
 * healthy one always has more than about 7 hours to go. Fewer than 6 means a
 * renewal was missed; fewer than 2, that the proxy will soon lose its identity.
 * @public
 */
export const DEFAULT_WORKLOAD_CERTIFICATE_THRESHOLDS: WorkloadCertificateThresholds =
  { warningHours: 6, criticalHours: 2 };

/**
 * The status of a short-lived, self-renewing workload certificate. Day
 * thresholds meant for trust anchors and issuers would call every healthy
 * one critical.
 * @public
 */
export function workloadCertificateStatus(
  notAfter: Date | string,
  now: Date = new Date(),
  thresholds: WorkloadCertificateThresholds = DEFAULT_WORKLOAD_CERTIFICATE_THRESHOLDS,
): CertificateStatus {
  const end = typeof notAfter === 'string' ? new Date(notAfter) : notAfter;
  const hours = (end.getTime() - now.getTime()) / 3_600_000;
  if (hours < 0) return 'expired';
  if (hours <= thresholds.criticalHours) return 'critical';
  if (hours <= thresholds.warningHours) return 'warning';
  return 'ok';
}

const CERTIFICATE_SEVERITY: Record<CertificateStatus, number> = {
  ok: 0,
  warning: 1,
  critical: 2,
  expired: 3,
};

/**
 * Orders certificate statuses from the best (`ok`) to the worst (`expired`).
 * @public
 */
export function compareCertificateStatus(
  a: CertificateStatus,
  b: CertificateStatus,
): number {
  return CERTIFICATE_SEVERITY[a] - CERTIFICATE_SEVERITY[b];
}

const CHECK_SEVERITY: Record<CheckStatus, number> = {
  pass: 0,
  warn: 1,
  fail: 2,
};

/**
 * Orders check statuses from `pass` to `fail`.
 * @public
 */
export function compareCheckStatus(a: CheckStatus, b: CheckStatus): number {
  return CHECK_SEVERITY[a] - CHECK_SEVERITY[b];
}

/**
 * The most severe check (the first of equally severe ones), or null when
 * every check passes or there is none.
 * @public
 */
export function worstCheck(checks: MeshCheck[]): MeshCheck | null {
  let worst: MeshCheck | null = null;
  for (const check of checks) {
    if (check.status === 'pass') continue;
    if (!worst || compareCheckStatus(check.status, worst.status) > 0) {
      worst = check;
    }
  }
  return worst;
}

/**
 * Checks sorted from the most to the least severe, stable within a status.
 * @public
 */
export function sortChecksBySeverity(checks: MeshCheck[]): MeshCheck[] {
  return [...checks].sort((a, b) => compareCheckStatus(b.status, a.status));
}

/**
 * Success-rate thresholds: below `warning` is degraded, below `critical`
 * is failing. Defaults follow Kiali's health tolerances (failure at 10%
 * errors) and a warning at 1% errors.
 * @public
 */
export interface SuccessRateThresholds {
  warning: number;
  critical: number;
}

/** @public */
export const DEFAULT_SUCCESS_RATE_THRESHOLDS: SuccessRateThresholds = {
  warning: 0.99,
  critical: 0.9,
};

/** @public */
export type SuccessRateGrade = 'ok' | 'warning' | 'critical' | 'unknown';

/**
 * Grades a success rate (0..1); null (no traffic) is `unknown`.
 * @public
 */
export function successRateGrade(
  rate: number | null | undefined,
  thresholds: SuccessRateThresholds = DEFAULT_SUCCESS_RATE_THRESHOLDS,
): SuccessRateGrade {
  if (rate === null || rate === undefined || Number.isNaN(rate)) {
    return 'unknown';
  }
  if (rate < thresholds.critical) return 'critical';
  if (rate < thresholds.warning) return 'warning';
  return 'ok';
}

/**
 * True when the proxies do not all run the same version, or when a known
 * control-plane version differs from any of them.
 * @public
 */
export function hasVersionSkew(
  proxyVersions: Array<string | null | undefined>,
  controlPlaneVersion?: string | null,
): boolean {
  const known = [
    ...new Set(proxyVersions.filter((v): v is string => Boolean(v))),
  ];
  if (known.length > 1) return true;
  if (known.length === 1 && controlPlaneVersion) {
    return normalizeVersion(known[0]) !== normalizeVersion(controlPlaneVersion);
  }
  return false;
}

function normalizeVersion(version: string): string {
  return version.trim().replace(/^v(?=\d)/, '');
}

const MTLS_RANK: Record<MtlsMode, number> = {
  strict: 0,
  automatic: 1,
  permissive: 2,
  unknown: 3,
  disabled: 4,
};

/**
 * The weakest of several mTLS modes, for an entity with several workloads:
 * `disabled` is weaker than `unknown`, which is weaker than `permissive`,
 * `automatic` and `strict`.
 * @public
 */
export function weakestMtlsMode(modes: MtlsMode[]): MtlsMode {
  if (modes.length === 0) return 'unknown';
  return modes.reduce((a, b) => (MTLS_RANK[b] > MTLS_RANK[a] ? b : a));
}

/**
 * A check status for a share of encrypted traffic: all encrypted passes,
 * some plaintext warns, mostly plaintext fails, no traffic passes.
 * @public
 */
export function encryptedShareStatus(share: number | null): CheckStatus {
  if (share === null) return 'pass';
  if (share >= 0.999) return 'pass';
  if (share >= 0.5) return 'warn';
  return 'fail';
}
