import {
  CertificateInfo,
  ClusterMeshStatus,
  MeshCheck,
  compareCertificateStatus,
  encryptedShareStatus,
  successRateGrade,
} from '@meshlens/plugin-mesh-common';
import {
  MeshControlPlaneState,
  MeshWorkload,
} from '@meshlens/plugin-mesh-node';
import { IssuerVerification } from '../clients/CertificateReader';

/**
 * The checks every mesh shares, computed from the assembled status. Each
 * names what to do, not only what is wrong.
 */
export function commonChecks(input: {
  status: ClusterMeshStatus;
  workloads: MeshWorkload[];
  enrolled: boolean;
  controlPlane?: MeshControlPlaneState;
  issuers: IssuerVerification[];
}): MeshCheck[] {
  const { status, enrolled, controlPlane } = input;
  const ns = status.namespace;
  const checks: MeshCheck[] = [];

  if (controlPlane) {
    checks.push(
      controlPlane.healthy
        ? {
            id: 'control-plane.healthy',
            status: 'pass',
            message: `The ${status.mesh} control plane in ${controlPlane.namespace} is healthy`,
            hint: '',
          }
        : {
            id: 'control-plane.healthy',
            status: 'fail',
            message: `The ${
              status.mesh
            } control plane is unhealthy: ${controlPlane.problems.join('; ')}`,
            hint: `kubectl get pods -n ${controlPlane.namespace}, and look at the events and logs of the pods that are not ready`,
          },
    );
  }

  const unmeshed = status.workloads.filter(w => w.meshedPods < w.pods);
  if (enrolled && unmeshed.length > 0) {
    checks.push({
      id: 'injection.restart-needed',
      status: 'warn',
      message: unmeshed
        .map(
          w =>
            `${w.name}: ${w.pods - w.meshedPods} of ${
              w.pods
            } pods without proxy`,
        )
        .join('; '),
      hint: `Pods started before the namespace was enrolled get no proxy until restarted: ${unmeshed
        .map(
          w =>
            `kubectl rollout restart ${w.kind.toLowerCase()}/${
              w.name
            } -n ${ns}`,
        )
        .join('; ')}`,
    });
  } else if (status.mesh !== 'none' && status.workloads.length > 0) {
    checks.push({
      id: 'injection.restart-needed',
      status: 'pass',
      message: 'Every pod runs with the mesh',
      hint: '',
    });
  }

  const skewed = status.workloads.filter(w => w.versionSkew);
  if (skewed.length > 0) {
    checks.push({
      id: 'proxy.version-skew',
      status: 'warn',
      message: `Proxy versions differ from the control plane (${
        status.controlPlane?.version ?? 'unknown'
      }): ${skewed
        .map(w => `${w.name} runs ${w.proxyVersions.join(', ')}`)
        .join('; ')}`,
      hint: `Restart the workloads to pick up the current proxy: ${skewed
        .map(
          w =>
            `kubectl rollout restart ${w.kind.toLowerCase()}/${
              w.name
            } -n ${ns}`,
        )
        .join('; ')}`,
    });
  }

  const meshedWorkloads = status.workloads.filter(w => w.meshedPods > 0);
  const permissive = meshedWorkloads.filter(w => w.mtls.mode === 'permissive');
  const disabled = meshedWorkloads.filter(w => w.mtls.mode === 'disabled');
  if (disabled.length > 0) {
    checks.push({
      id: 'mtls.mode',
      status: 'fail',
      message: `mTLS is disabled for ${disabled.map(w => w.name).join(', ')}`,
      hint: 'Remove the policy that disables mTLS, or set it to PERMISSIVE, then STRICT once every caller is meshed',
    });
  } else if (permissive.length > 0) {
    checks.push({
      id: 'mtls.mode',
      status: 'warn',
      message: `${permissive
        .map(w => w.name)
        .join(', ')} accept plaintext (PERMISSIVE)`,
      hint: 'Once the encrypted share is 100%, switch the PeerAuthentication to STRICT',
    });
  } else if (meshedWorkloads.length > 0) {
    checks.push({
      id: 'mtls.mode',
      status: 'pass',
      message: `mTLS ${[...new Set(meshedWorkloads.map(w => w.mtls.mode))].join(
        '/',
      )}`,
      hint: '',
    });
  }

  for (const w of meshedWorkloads) {
    const share = w.mtls.encryptedShare;
    const plainPeers = w.edges.filter(e => e.mtls === false);
    const shareStatus = encryptedShareStatus(share);
    if (shareStatus !== 'pass' || plainPeers.length > 0) {
      checks.push({
        id: 'mtls.plaintext',
        status: shareStatus === 'fail' ? 'fail' : 'warn',
        message: `${w.name}: ${
          share === null ? 'some' : `${Math.round((1 - share) * 1000) / 10}% of`
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
      });
    }
  }

  for (const w of status.workloads) {
    const grade = successRateGrade(w.metrics?.successRate);
    if (grade === 'critical' || grade === 'warning') {
      checks.push({
        id: 'traffic.success-rate',
        status: grade === 'critical' ? 'fail' : 'warn',
        message: `${w.name} answers ${
          Math.round((w.metrics!.successRate ?? 0) * 10000) / 100
        }% of requests successfully`,
        hint: 'Look at the failing responses by route and caller in the mesh dashboard, and at the workload logs',
      });
    }
  }

  checks.push(...certificateChecks(status.certificates));

  for (const issuer of input.issuers.filter(i => !i.signedByTrustAnchor)) {
    checks.push({
      id: 'certificates.issuer-chain',
      status: 'fail',
      message: `The issuer certificate ${issuer.subject} (${issuer.source}) is not signed by any trust anchor`,
      hint: 'Proxies will reject each other. Re-issue the issuer from the current trust anchor, or add its signing root to the trust bundle',
    });
  }
  if (
    input.issuers.length > 0 &&
    input.issuers.every(i => i.signedByTrustAnchor)
  ) {
    checks.push({
      id: 'certificates.issuer-chain',
      status: 'pass',
      message: 'The issuer certificate is signed by the trust anchor',
      hint: '',
    });
  }
  return checks;
}

function certificateChecks(certificates: CertificateInfo[]): MeshCheck[] {
  const bad = certificates.filter(c => c.status !== 'ok');
  if (certificates.length === 0) return [];
  if (bad.length === 0) {
    return [
      {
        id: 'certificates.expiry',
        status: 'pass',
        message: `${
          certificates.length
        } certificate(s), the soonest expires in ${Math.min(
          ...certificates.map(c => c.daysLeft),
        )} days`,
        hint: '',
      },
    ];
  }
  const worst = [...bad].sort((a, b) =>
    compareCertificateStatus(b.status, a.status),
  )[0];
  return [
    {
      id: 'certificates.expiry',
      status: worst.status === 'warning' ? 'warn' : 'fail',
      message: bad
        .map(c =>
          c.status === 'expired'
            ? `${c.role} ${c.subject} expired ${-c.daysLeft} day(s) ago`
            : `${c.role} ${c.subject} expires in ${c.daysLeft} day(s)`,
        )
        .join('; '),
      hint:
        worst.role === 'workload'
          ? 'Workload certificates renew themselves: a proxy that does not renew cannot reach its identity service; restart it and check the control plane'
          : `Rotate the ${worst.role} (${worst.source}); with cert-manager, check the Certificate's Ready condition and renewal time`,
    },
  ];
}
