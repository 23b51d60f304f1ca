import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { COMMON_CHECKS } from './catalogue';
import {
  MeshAdapter,
  MeshControlPlaneState,
  MeshWorkload,
  meshTitleOf,
} from '@meshlens/plugin-mesh-node';
import { KubeSnapshot } from '../clusterSnapshot';
import { namespaceContext } from '../meshDetection';

/** A namespace no installed mesh claims, and what the cluster runs. */
export interface UnmeshedNamespace {
  cluster: string;
  namespace: string;
  snapshot: KubeSnapshot;
  /** The adapters whose control plane runs in the cluster. */
  installed: MeshAdapter[];
  /** Every registered adapter, installed or not. */
  registered: MeshAdapter[];
  controlPlanes: Record<string, MeshControlPlaneState>;
  workloads: MeshWorkload[];
}

/** MESH-COM-006 when the namespace is missing, MESH-COM-007: which mesh could take it and how. */
export function notMeshedCheck(input: UnmeshedNamespace): MeshCheck {
  const { cluster, namespace, installed } = input;
  if (input.snapshot.namespaces.get(namespace) === undefined) {
    return checkResult(COMMON_CHECKS.namespaceMissing, {
      message: `Namespace ${namespace} does not exist in cluster ${cluster}`,
      hint: 'Fix backstage.io/kubernetes-namespace, or deploy the workloads',
    });
  }
  return checkResult(COMMON_CHECKS.notEnrolled, {
    message: installed.length
      ? `Namespace ${namespace} is not enrolled in ${installed
          .map(a => a.mesh)
          .join(' or ')}, which run in cluster ${cluster}`
      : `No service mesh control plane runs in cluster ${cluster}`,
    hint: installed.length
      ? installed.map(a => a.enrollHint(namespace)).join('; or: ')
      : `Install a mesh (${orList(
          input.registered.map(meshTitleOf),
        )}) in the cluster first`,
  });
}

/** `a, b or c` */
function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * A namespace no mesh claims may still carry a mesh's common mistake
 * (e.g. the label `linkerd.io/injection`): every installed adapter is asked,
 * as for a namespace of its mesh that is not enrolled.
 */
export function mistakesOutsideMesh(input: UnmeshedNamespace): MeshCheck[] {
  return input.installed
    .flatMap(adapter =>
      adapter.checks({
        ...namespaceContext(
          input.cluster,
          input.namespace,
          input.snapshot,
          adapter,
          input.controlPlanes[adapter.mesh],
        ),
        detection: {
          dataPlane: 'none',
          injection: { namespace: 'unset', marker: null },
          enrolled: false,
        },
        workloads: input.workloads,
        policies: {},
      }),
    )
    .filter(c => c.status !== 'pass');
}
