import {
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
  MESH_POLICY_NAME,
} from '@meshlens/plugin-mesh-node';
import { ChangeRecord } from '../onboarding/types';
import {
  NamespaceWrite,
  ObjectWrite,
  RestartWrite,
} from '../onboarding/writes';

/** A planned restart of Deployment shop/web, as planRestarts makes it. */
export function restartWrite(over: Partial<RestartWrite> = {}): RestartWrite {
  return {
    op: 'restart',
    type: KUBE_RESOURCES.deployment,
    name: 'web',
    namespace: 'shop',
    restartedAt: '2026-12-01T12:00:00.000Z',
    previous: null,
    hadAnnotations: false,
    resourceVersion: '7',
    change: {
      action: 'restart',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      description: 'Restart Deployment shop/web',
    },
    ...over,
  };
}

/**
 * A planned server-side apply of the policy `desired` (Meshlens' policy
 * name, namespace shop), described as given; `live` is the object read
 * before, absent for a create.
 */
export function policyWrite(
  type: KubeResourceType,
  desired: KubeObject,
  description: string,
  live?: KubeObject,
): ObjectWrite {
  const change: ChangeRecord = {
    action: 'apply',
    apiVersion: type.apiVersion,
    kind: type.kind,
    name: MESH_POLICY_NAME,
    namespace: 'shop',
    description,
  };
  const write: ObjectWrite = {
    op: 'object',
    change,
    type,
    desired,
    name: MESH_POLICY_NAME,
    namespace: 'shop',
  };
  return live === undefined ? write : { ...write, live };
}

/** A planned enrolment of namespace shop with Meshy's label (see meshyAdapter). */
export function namespaceWrite(
  over: Partial<Omit<NamespaceWrite, 'change'>> = {},
  description = 'Namespace shop: label meshy.example/enrol=on',
): NamespaceWrite {
  return {
    op: 'namespace',
    type: KUBE_RESOURCES.namespace,
    name: 'shop',
    next: { labels: { 'meshy.example/enrol': 'on' }, annotations: {} },
    previous: { labels: { 'meshy.example/enrol': null }, annotations: {} },
    resourceVersion: '17',
    ...over,
    change: {
      action: 'patch',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: over.name ?? 'shop',
      description,
    },
  };
}
