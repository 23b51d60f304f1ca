import {
  CertificateStatus,
  CheckStatus,
  compareCertificateStatus,
  MeshCheck,
  successRateGrade,
  worstCheck as worstFailingCheck,
} from '@meshlens/plugin-mesh-common';

/** Traffic-light outcome shown to people: ok (green), warning (amber), error (red). */
export type Grade = 'ok' | 'warning' | 'error';

export const GRADE_LABELS: Record<Grade, string> = {
  ok: 'Healthy',
  warning: 'Needs attention',
  error: 'Failing',
};

/** A failed check makes a cluster red, a warning amber, otherwise green. */
export function gradeFromChecks(checks: MeshCheck[]): Grade {
  const worst = worstCheck(checks);
  if (worst?.status === 'fail') return 'error';
  if (worst?.status === 'warn') return 'warning';
  return 'ok';
}

/** The most severe check; the first one when every check passes. */
export function worstCheck(checks: MeshCheck[]): MeshCheck | undefined {
  return worstFailingCheck(checks) ?? checks[0];
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

/** The backend's success-rate grades (mesh-common), as traffic lights. */
export function gradeSuccessRate(rate: number | null): Grade | undefined {
  const grade = successRateGrade(rate);
  if (grade === 'unknown') return undefined;
  return grade === 'critical' ? 'error' : grade;
}

export function gradeCertificate(status: CertificateStatus): Grade {
  if (status === 'ok') return 'ok';
  if (status === 'warning') return 'warning';
  return 'error';
}

export const certificateStatusRank = (status: CertificateStatus) =>
  compareCertificateStatus(status, 'ok');
