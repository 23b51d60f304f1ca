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
 * The ingress edges, when an ingress controller kept outside the mesh
 * sends every plaintext inbound request. That is the topology many teams
 * choose (north-south on the controller, east-west on the mesh), so it is
 * expected, not a failure.
 */
function ingressOnlyInbound(w: WorkloadStatus): Edge[] | undefined {
  const plainInbound = w.edges.filter(
    e => e.direction === 'inbound' && e.mtls === false,
  );
  const ingress = plainInbound.filter(e => e.callerKind === 'ingress');
  if (ingress.length === 0 || ingress.length !== plainInbound.length) {
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
  return ingress;
}

/**
 * MESH-COM-012 for a workload whose inbound plaintext all comes from an
 * ingress: a pass with the way to mesh the controller, or a warning when
 * it also sends plaintext to a callee (a callee pod without a proxy, whose
 * own status fails for it), as without an ingress.
 */
function ingressPlaintextCheck(
  w: WorkloadStatus,
  ingress: Edge[],
  enrollHint?: (namespace: string) => string,
): MeshCheck {
  const plainOutbound = w.edges.filter(
    e => e.direction === 'outbound' && e.mtls === false,
  );
  const controllers = [...new Set(ingress.map(e => e.ingress))];
  const note = `the plaintext inbound requests come from ${ingress
    .map(
      e => `${callerName(e)}${e.recognisedBy ? ` via ${e.recognisedBy}` : ''}`,
    )
    .join(', ')}, outside the mesh; expected for north-south traffic`;
  const meshIngress = `To encrypt the ingress hop as well, mesh the ingress controller (${controllers.join(
    ', ',
  )})${enrollHint ? `: ${enrollHint('<the controller namespace>')}` : ''}`;
  if (plainOutbound.length > 0) {
    return checkResult(COMMON_CHECKS.plaintext, {
      status: 'warn',
      message: `${w.name} sends plaintext to ${plainOutbound
        .map(e => `${e.peer.namespace}/${e.peer.name}`)
        .join(', ')}; ${note}`,
      hint: `Mesh the callees' pods that have no proxy (restart them in their enrolled namespace). ${meshIngress}`,
    });
  }
  return checkResult(COMMON_CHECKS.plaintext, {
    status: 'pass',
    message: `${w.name}: ${note}, every other caller uses mTLS`,
    hint: meshIngress,
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
      const ingress = ingressOnlyInbound(w);
      if (ingress) {
        checks.push(ingressPlaintextCheck(w, ingress, enrollHint));
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
