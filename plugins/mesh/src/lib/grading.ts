import {
  CertificateStatus,
  CheckStatus,
  MeshCheck,
} from '@meshlens/plugin-mesh-common';

/** Traffic-light outcome shown to people: ok (green), warning (amber), error (red). */
export type Grade = 'ok' | 'warning' | 'error';

export const GRADE_LABELS: Record<Grade, string> = {
  ok: 'Healthy',
  warning: 'Needs attention',
  error: 'Failing',
};

const CHECK_RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** A failed check makes a cluster red, a warning amber, otherwise green. */
export function gradeFromChecks(checks: MeshCheck[]): Grade {
  const worst = worstCheck(checks);
  if (worst?.status === 'fail') return 'error';
  if (worst?.status === 'warn') return 'warning';
  return 'ok';
}

export function worstCheck(checks: MeshCheck[]): MeshCheck | undefined {
  let worst: MeshCheck | undefined;
  for (const check of checks) {
    if (!worst || CHECK_RANK[check.status] > CHECK_RANK[worst.status]) {
      worst = check;
    }
  }
  return worst;
}

const CHECK_GRADE: Record<CheckStatus, Grade> = {
  fail: 'error',
  warn: 'warning',
  pass: 'ok',
};

export const gradeOfCheck = (status: CheckStatus): Grade => CHECK_GRADE[status];

/** What a screen reader says for a check's status icon. */
export const CHECK_STATUS_WORDS: Record<CheckStatus, string> = {
  fail: 'Failed',
  warn: 'Warning',
  pass: 'Passed',
};

/** Success-rate thresholds: at least 99% is fine, under 95% is failing. */
export const SUCCESS_RATE_OK = 0.99;
export const SUCCESS_RATE_WARNING = 0.95;

export function gradeSuccessRate(rate: number | null): Grade | undefined {
  if (rate === null) return undefined;
  if (rate >= SUCCESS_RATE_OK) return 'ok';
  if (rate >= SUCCESS_RATE_WARNING) return 'warning';
  return 'error';
}

export function gradeCertificate(status: CertificateStatus): Grade {
  if (status === 'ok') return 'ok';
  if (status === 'warning') return 'warning';
  return 'error';
}

const CERT_RANK: Record<CertificateStatus, number> = {
  ok: 0,
  warning: 1,
  critical: 2,
  expired: 3,
};

export const certificateStatusRank = (status: CertificateStatus) =>
  CERT_RANK[status];
