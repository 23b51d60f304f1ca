import {
  ClusterMeshStatus,
  MeshCheck,
  checkResult,
} from '@meshlens/plugin-mesh-common';
import { COMMON_CHECKS } from './catalogue';
import { callerName } from './mtls';

/**
 * MESH-COM-016: whether a PERMISSIVE workload can go STRICT now, judged on
 * the window's traffic: every inbound request mTLS, and no plaintext
 * caller. Without traffic it says so rather than guess.
 */
export function strictReadinessChecks(status: ClusterMeshStatus): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const w of status.workloads) {
    if (w.meshedPods === 0 || w.mtls.mode !== 'permissive') continue;
    const plaintextCallers = w.edges
      .filter(e => e.direction === 'inbound' && e.mtls === false)
      .map(callerName);
    const share = w.mtls.encryptedShare;
    if (share === null && plaintextCallers.length === 0) {
      checks.push(
        checkResult(COMMON_CHECKS.strictReadiness, {
          status: 'warn',
          message: `${w.name} had no inbound traffic in the window: readiness for STRICT cannot be judged yet`,
          hint: 'Look again after a window with traffic, before switching to STRICT',
        }),
      );
    } else if (share !== null && share >= 1 && plaintextCallers.length === 0) {
      checks.push(
        checkResult(COMMON_CHECKS.strictReadiness, {
          status: 'pass',
          message: `${w.name}: every inbound request in the window was mTLS; it is ready for STRICT`,
          hint: `Set spec.mtls.mode: STRICT in the PeerAuthentication that selects ${w.name} in ${status.namespace} (or in the namespace's own), and watch this check for refused callers`,
        }),
      );
    } else {
      const unknownShare =
        share === null ? 'some' : `${Math.round((1 - share) * 1000) / 10}% of`;
      checks.push(
        checkResult(COMMON_CHECKS.strictReadiness, {
          message: `${
            w.name
          } is not ready for STRICT: ${unknownShare} inbound requests are plaintext${
            plaintextCallers.length
              ? `, from ${plaintextCallers.join(', ')}`
              : ' (from callers outside the mesh, which have no workload identity)'
          }`,
          hint: `Mesh these callers first (enroll their namespace and restart them); STRICT would refuse their requests`,
        }),
      );
    }
  }
  return checks;
}
