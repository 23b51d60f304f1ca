import {
  ClusterMeshStatus,
  MeshCheck,
  checkResult,
  encryptedShareStatus,
} from '@meshlens/plugin-mesh-common';
import { COMMON_CHECKS } from './catalogue';

const meshedWorkloadsOf = (status: ClusterMeshStatus) =>
  status.workloads.filter(w => w.meshedPods > 0);

/** MESH-COM-011: the weakest mTLS mode among the meshed workloads. */
export function mtlsModeChecks(status: ClusterMeshStatus): MeshCheck[] {
  const meshedWorkloads = meshedWorkloadsOf(status);
  const permissive = meshedWorkloads.filter(w => w.mtls.mode === 'permissive');
  const disabled = meshedWorkloads.filter(w => w.mtls.mode === 'disabled');
  if (disabled.length > 0) {
    return [
      checkResult(COMMON_CHECKS.mtlsMode, {
        message: `mTLS is disabled for ${disabled.map(w => w.name).join(', ')}`,
        hint: 'Remove the policy that disables mTLS, or set it to PERMISSIVE, then STRICT once every caller is meshed',
      }),
    ];
  }
  if (permissive.length > 0) {
    return [
      checkResult(COMMON_CHECKS.mtlsMode, {
        status: 'warn',
        message: `${permissive
          .map(w => w.name)
          .join(', ')} accept plaintext (PERMISSIVE)`,
        hint: 'Once the encrypted share is 100%, switch the PeerAuthentication to STRICT',
      }),
    ];
  }
  if (meshedWorkloads.length > 0) {
    return [
      checkResult(COMMON_CHECKS.mtlsMode, {
        status: 'pass',
        message: `mTLS ${[
          ...new Set(meshedWorkloads.map(w => w.mtls.mode)),
        ].join('/')}`,
      }),
    ];
  }
  return [];
}

/** MESH-COM-012: meshed workloads that still receive or send plaintext. */
export function plaintextChecks(status: ClusterMeshStatus): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const w of meshedWorkloadsOf(status)) {
    const share = w.mtls.encryptedShare;
    const plainPeers = w.edges.filter(e => e.mtls === false);
    const shareStatus = encryptedShareStatus(share);
    if (shareStatus !== 'pass' || plainPeers.length > 0) {
      checks.push(
        checkResult(COMMON_CHECKS.plaintext, {
          status: shareStatus === 'fail' ? 'fail' : 'warn',
          message: `${w.name}: ${
            share === null
              ? 'some'
              : `${Math.round((1 - share) * 1000) / 10}% of`
          } inbound requests are not mTLS${
            // Plaintext callers outside the mesh (an ingress, a job) often
            // have no workload identity, so no edge names them.
            share !== null &&
            share < 0.999 &&
            !plainPeers.some(e => e.direction === 'inbound')
              ? ' (from callers outside the mesh)'
              : ''
          }${
            plainPeers.length
              ? `; plaintext edges: ${plainPeers
                  .map(e => `${e.peer.namespace}/${e.peer.name} ${e.direction}`)
                  .join(', ')}`
              : ''
          }`,
          hint: 'Mesh the plaintext peers (enroll their namespace and restart them); unmeshed callers are the usual cause',
        }),
      );
    }
  }
  return checks;
}
