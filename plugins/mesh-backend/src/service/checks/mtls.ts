import {
  ClusterMeshStatus,
  Edge,
  MeshCheck,
  WorkloadStatus,
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

/** How an inbound caller is named in a message: `ingress: traefik (storefront/storefront)`. */
export function callerName(edge: Edge): string {
  const name = `${edge.peer.namespace}/${edge.peer.name}`;
  return edge.callerKind === 'ingress'
    ? `ingress: ${edge.ingress} (${name})`
    : name;
}

/** The plaintext requests/s of a workload's inbound traffic. */
function plaintextRate(w: WorkloadStatus): number {
  const share = w.mtls.encryptedShare;
  return w.metrics && share !== null
    ? w.metrics.requestsPerSecond * (1 - share)
    : 0;
}

/**
 * Plaintext from an ingress controller kept outside the mesh is the
 * topology many teams choose (north-south on the controller, east-west on
 * the mesh), so it passes with a note and the way to mesh it; plaintext
 * from anyone else still fails.
 */
function ingressOnlyPlaintext(
  w: WorkloadStatus,
  enrollHint?: (namespace: string) => string,
): MeshCheck | undefined {
  const plainInbound = w.edges.filter(
    e => e.direction === 'inbound' && e.mtls === false,
  );
  const ingress = plainInbound.filter(e => e.callerKind === 'ingress');
  if (ingress.length === 0 || ingress.length !== plainInbound.length) {
    return undefined;
  }
  if (w.edges.some(e => e.direction === 'outbound' && e.mtls === false)) {
    return undefined;
  }
  const fromIngress = ingress.reduce((sum, e) => sum + e.requestsPerSecond, 0);
  // Some plaintext no edge explains: not only the ingress sends it.
  if (
    plaintextRate(w) - fromIngress >
    0.001 * (w.metrics?.requestsPerSecond ?? 0)
  ) {
    return undefined;
  }
  const controllers = [...new Set(ingress.map(e => e.ingress))];
  return checkResult(COMMON_CHECKS.plaintext, {
    status: 'pass',
    message: `${w.name}: the plaintext inbound requests come from ${ingress
      .map(
        e =>
          `${callerName(e)}${e.recognisedBy ? ` via ${e.recognisedBy}` : ''}`,
      )
      .join(
        ', ',
      )}, outside the mesh; expected for north-south traffic, every other caller uses mTLS`,
    hint: `To encrypt the ingress hop as well, mesh the ingress controller (${controllers.join(
      ', ',
    )})${enrollHint ? `: ${enrollHint('<the controller namespace>')}` : ''}`,
  });
}

/** MESH-COM-012: inbound requests that are not mTLS, and who sends them. */
export function plaintextChecks(
  status: ClusterMeshStatus,
  enrollHint?: (namespace: string) => string,
): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const w of meshedWorkloadsOf(status)) {
    const share = w.mtls.encryptedShare;
    const plainPeers = w.edges.filter(e => e.mtls === false);
    const shareStatus = encryptedShareStatus(share);
    if (shareStatus !== 'pass' || plainPeers.length > 0) {
      const expected = ingressOnlyPlaintext(w, enrollHint);
      if (expected) {
        checks.push(expected);
        continue;
      }
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
                  .map(e => `${callerName(e)} ${e.direction}`)
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
