import {
  KubeObject,
  MeshAdapter,
  MeshControlPlaneState,
  MeshDetection,
  MeshNamespaceContext,
} from '@meshlens/plugin-mesh-node';
import { KubeSnapshot } from './clusterSnapshot';

/** The mesh that runs a namespace, as its adapter sees it. */
export interface NamespaceMesh {
  adapter: MeshAdapter;
  controlPlane: MeshControlPlaneState;
  detection: MeshDetection;
  context: MeshNamespaceContext;
}

export function namespaceContext(
  cluster: string,
  namespace: string,
  snapshot: KubeSnapshot,
  adapter: MeshAdapter,
  controlPlane: MeshControlPlaneState,
): MeshNamespaceContext {
  const resources: Record<string, KubeObject[]> = {};
  for (const [kind, byNs] of snapshot.resources.get(adapter.mesh) ?? []) {
    resources[kind] = byNs.get(namespace) ?? [];
  }
  return {
    cluster,
    namespace: snapshot.namespaces.get(namespace),
    namespaceName: namespace,
    pods: snapshot.pods.get(namespace) ?? [],
    resources,
    controlPlane,
  };
}

/**
 * Asks every adapter with a control plane in the cluster whether it runs
 * the namespace, and keeps the one that meshes the most pods (then an
 * enrolled one, then any that claims it).
 */
export function detectMesh(
  cluster: string,
  namespace: string,
  snapshot: KubeSnapshot,
  adapters: MeshAdapter[],
  controlPlanes: Record<string, MeshControlPlaneState>,
): NamespaceMesh | undefined {
  let best: { mesh: NamespaceMesh; score: number } | undefined;
  for (const adapter of adapters) {
    const controlPlane = controlPlanes[adapter.mesh];
    if (!controlPlane) continue;
    const context = namespaceContext(
      cluster,
      namespace,
      snapshot,
      adapter,
      controlPlane,
    );
    const detection = adapter.detect(context);
    if (!detection) continue;
    const meshed = context.pods.filter(p =>
      adapter.isPodMeshed(p, context),
    ).length;
    const score = meshed * 4 + (detection.enrolled ? 2 : 0) + 1;
    if (!best || score > best.score) {
      best = { mesh: { adapter, controlPlane, detection, context }, score };
    }
  }
  return best?.mesh;
}
