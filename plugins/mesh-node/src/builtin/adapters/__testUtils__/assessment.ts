import {
  KubeObject,
  MeshAssessmentContext,
  MeshControlPlaneState,
  MeshWorkload,
  MeshWorkloadTraffic,
} from '../../../index';

/** Builders for the objects checks read, shaped as the API server returns them. */
export const NS = 'shop';

type Meta = {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

export function namespace(meta: Meta = {}, name = NS): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...meta } };
}

export function pod(
  name: string,
  options: Meta & {
    containers?: Array<Record<string, any>>;
    initContainers?: Array<Record<string, any>>;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: options.labels,
      annotations: options.annotations,
    },
    spec: {
      initContainers: options.initContainers,
      containers: options.containers ?? [{ name: 'app', image: 'app:1' }],
    },
  };
}

export function workload(
  name: string,
  pods: KubeObject[],
  template: Meta = {},
  kind = 'Deployment',
): MeshWorkload {
  return {
    kind,
    name,
    namespace: NS,
    object: {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name, namespace: NS, labels: { app: name } },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: {
            labels: { app: name, ...template.labels },
            annotations: template.annotations,
          },
        },
      },
    },
    pods,
  };
}

export function object(
  apiVersion: string,
  kind: string,
  name: string,
  spec: any,
  meta: Meta & {
    status?: any;
    ownerReferences?: Array<{ kind: string; name: string }>;
  } = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: NS,
      labels: meta.labels,
      annotations: meta.annotations,
      ownerReferences: meta.ownerReferences,
    },
    spec,
    status: meta.status,
  };
}

export function controlPlane(
  details: MeshControlPlaneState['details'] = {},
): MeshControlPlaneState {
  return {
    namespace: 'mesh-system',
    version: '1.0.0',
    healthy: true,
    problems: [],
    details,
  };
}

/** A namespace's assessment context; every list empty unless given. */
export function assessment(
  options: Partial<Omit<MeshAssessmentContext, 'traffic'>> & {
    traffic?: MeshWorkloadTraffic[];
  } = {},
): MeshAssessmentContext {
  const workloads = options.workloads ?? [];
  return {
    cluster: 'homelab',
    namespace: options.namespace ?? namespace(),
    namespaceName: options.namespaceName ?? NS,
    pods: options.pods ?? workloads.flatMap(w => w.pods),
    resources: options.resources ?? {},
    controlPlane: options.controlPlane ?? controlPlane(),
    detection: options.detection ?? {
      dataPlane: 'sidecar',
      injection: { namespace: 'enabled', marker: null },
      enrolled: true,
    },
    workloads,
    policies: options.policies ?? {},
    traffic: options.traffic
      ? new Map(options.traffic.map(t => [t.workload, t]))
      : undefined,
  };
}

export const ids = (checks: Array<{ id: string; status: string }>) =>
  checks.map(c => `${c.id} ${c.status}`);
