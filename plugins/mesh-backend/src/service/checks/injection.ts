import {
  ClusterMeshStatus,
  MeshCheck,
  checkResult,
  countOf,
} from '@meshlens/plugin-mesh-common';
import { COMMON_CHECKS } from './catalogue';

const restart = (w: { kind: string; name: string }, ns: string) =>
  `kubectl rollout restart ${w.kind.toLowerCase()}/${w.name} -n ${ns}`;

/** MESH-COM-009: pods of an enrolled namespace that run without the mesh. */
export function restartNeededChecks(
  status: ClusterMeshStatus,
  enrolled: boolean,
): MeshCheck[] {
  const unmeshed = status.workloads.filter(w => w.meshedPods < w.pods);
  if (enrolled && unmeshed.length > 0) {
    return [
      checkResult(COMMON_CHECKS.restartNeeded, {
        message: unmeshed
          .map(
            w =>
              `${w.name}: ${w.pods - w.meshedPods} of ${countOf(
                w.pods,
                'pod',
              )} without proxy`,
          )
          .join('; '),
        hint: `Pods started before the namespace was enrolled get no proxy until restarted: ${unmeshed
          .map(w => restart(w, status.namespace))
          .join('; ')}`,
      }),
    ];
  }
  if (status.mesh !== 'none' && status.workloads.length > 0) {
    return [
      checkResult(COMMON_CHECKS.restartNeeded, {
        status: 'pass',
        message: 'Every pod runs with the mesh',
      }),
    ];
  }
  return [];
}

/** MESH-COM-010: proxies older or newer than their control plane. */
export function versionSkewChecks(status: ClusterMeshStatus): MeshCheck[] {
  const skewed = status.workloads.filter(w => w.versionSkew);
  if (skewed.length === 0) return [];
  return [
    checkResult(COMMON_CHECKS.versionSkew, {
      message: `Proxy versions differ from the control plane (${
        status.controlPlane?.version ?? 'unknown'
      }): ${skewed
        .map(w => `${w.name} runs ${w.proxyVersions.join(', ')}`)
        .join('; ')}`,
      hint: `Restart the workloads to pick up the current proxy: ${skewed
        .map(w => restart(w, status.namespace))
        .join('; ')}`,
    }),
  ];
}
