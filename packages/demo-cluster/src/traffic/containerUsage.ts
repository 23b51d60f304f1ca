/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { TrafficEdge } from './plan';
import { PodView, podsOf, ScrapeContext } from './proxies';

/**
 * How much CPU and memory a simulated container uses: an idle part plus a
 * part per request it handles. Usage = idle + perRequest × requests/s.
 */
export interface ContainerUsageModel {
  /** Cores used with no traffic (a choice of the demo, not a published figure). */
  idleCores: number;
  /** CPU seconds per request handled. */
  cpuSecondsPerRequest: number;
  /** Working set with no traffic (a choice of the demo). */
  idleBytes: number;
  /** Working-set bytes per request/s handled. */
  bytesPerRequestPerSecond: number;
}

/** The kinds of container the demo models. */
export type ContainerClass =
  | 'linkerd-proxy'
  | 'istio-sidecar'
  | 'istio-waypoint'
  | 'ztunnel'
  | 'cilium-agent'
  | 'cilium-envoy'
  | 'application'
  | 'system';

const MB = 1e6;
const MiB = 1024 * 1024;

/*
 * Per-request figures come from ../shared/mesh-facts.md §6:
 * - Istio 1.24 performance docs, 1000 rps, 1 KB payloads: sidecar 0.20 vCPU
 *   and 60 MB, waypoint 0.25 vCPU and 60 MB, ztunnel 0.06 vCPU and 12 MB;
 * - Linkerd's benchmark (2.11.1 vs Istio 1.12.0, 2000 rps): proxy CPU 36 ms
 *   vs 67 ms, memory 26.3 MB at most. Linkerd's CPU per request is the Istio
 *   sidecar's scaled by 36/67.
 * Memory grows from the idle working set to the published figure at the
 * published rate. Cilium publishes no per-request figure: cilium-envoy, a
 * shared Envoy like a waypoint, borrows the waypoint's, and the agent
 * (eBPF datapath, whose work the kernel does) is charged none.
 */
const ISTIO_SIDECAR_CPU_PER_REQUEST = 0.2 / 1000;
const reaching = (idleBytes: number, bytes: number, rps: number) =>
  (bytes - idleBytes) / rps;

/** The usage model of each container class. Tests compute expected series from it. */
export const CONTAINER_USAGE: Record<ContainerClass, ContainerUsageModel> = {
  'linkerd-proxy': {
    idleCores: 0.002,
    cpuSecondsPerRequest: (ISTIO_SIDECAR_CPU_PER_REQUEST * 36) / 67,
    idleBytes: 12 * MiB,
    bytesPerRequestPerSecond: reaching(12 * MiB, 26.3 * MB, 2000),
  },
  'istio-sidecar': {
    idleCores: 0.004,
    cpuSecondsPerRequest: ISTIO_SIDECAR_CPU_PER_REQUEST,
    idleBytes: 40 * MiB,
    bytesPerRequestPerSecond: reaching(40 * MiB, 60 * MB, 1000),
  },
  'istio-waypoint': {
    idleCores: 0.004,
    cpuSecondsPerRequest: 0.25 / 1000,
    idleBytes: 40 * MiB,
    bytesPerRequestPerSecond: reaching(40 * MiB, 60 * MB, 1000),
  },
  ztunnel: {
    idleCores: 0.002,
    cpuSecondsPerRequest: 0.06 / 1000,
    idleBytes: 8 * MiB,
    bytesPerRequestPerSecond: reaching(8 * MiB, 12 * MB, 1000),
  },
  'cilium-agent': {
    idleCores: 0.03,
    cpuSecondsPerRequest: 0,
    idleBytes: 180 * MiB,
    bytesPerRequestPerSecond: 0,
  },
  'cilium-envoy': {
    idleCores: 0.003,
    cpuSecondsPerRequest: 0.25 / 1000,
    idleBytes: 30 * MiB,
    bytesPerRequestPerSecond: reaching(30 * MiB, 60 * MB, 1000),
  },
  application: {
    idleCores: 0.01,
    cpuSecondsPerRequest: 0.002,
    idleBytes: 96 * MiB,
    bytesPerRequestPerSecond: 64 * 1024,
  },
  system: {
    idleCores: 0,
    cpuSecondsPerRequest: 0,
    idleBytes: 0,
    bytesPerRequestPerSecond: 0,
  },
};

/** Constant usage of control-plane and add-on containers, by container name. */
export const SYSTEM_CONTAINER_USAGE: Record<
  string,
  { cores: number; bytes: number }
> = {
  identity: { cores: 0.003, bytes: 18 * MiB },
  destination: { cores: 0.008, bytes: 36 * MiB },
  'sp-validator': { cores: 0.001, bytes: 12 * MiB },
  policy: { cores: 0.004, bytes: 28 * MiB },
  'proxy-injector': { cores: 0.002, bytes: 20 * MiB },
  discovery: { cores: 0.05, bytes: 180 * MiB },
  'install-cni': { cores: 0.002, bytes: 24 * MiB },
  'cilium-operator': { cores: 0.005, bytes: 48 * MiB },
  'hubble-relay': { cores: 0.002, bytes: 24 * MiB },
  'cert-manager-controller': { cores: 0.003, bytes: 32 * MiB },
};

/** Usage of a system container the table does not name. */
export const UNKNOWN_SYSTEM_USAGE = { cores: 0.001, bytes: 16 * MiB };

/** The class of a running container of a pod. */
export function containerClass(
  pod: PodView,
  container: string,
): ContainerClass {
  if (container === 'linkerd-proxy') return 'linkerd-proxy';
  if (container === 'cilium-agent') return 'cilium-agent';
  if (container === 'cilium-envoy') return 'cilium-envoy';
  if (container === 'istio-proxy') {
    if (pod.role === 'ztunnel') return 'ztunnel';
    if (pod.role === 'istio-waypoint') return 'istio-waypoint';
    return 'istio-sidecar';
  }
  if (container in SYSTEM_CONTAINER_USAGE) return 'system';
  return 'application';
}

const isPodOf = (p: PodView, namespace: string, deployment: string) =>
  p.namespace === namespace &&
  p.workload === deployment &&
  p.workloadKind === 'Deployment';

/**
 * Requests/s a pod's application sends and receives in the plan: each
 * edge's rate split evenly over the pods of its caller and of its callee.
 */
export function podRequestsPerSecond(
  pod: PodView,
  ctx: ScrapeContext,
  only: (edge: TrafficEdge) => boolean = () => true,
): number {
  let rps = 0;
  for (const edge of ctx.plan) {
    if (edge.cluster !== ctx.cluster || !only(edge)) continue;
    const d = edge.destination;
    if (isPodOf(pod, d.namespace, d.deployment)) {
      rps += edge.requestsPerSecond / Math.max(1, podsOf(ctx, d).length);
    }
    const s = edge.source;
    if (s && isPodOf(pod, s.namespace, s.deployment)) {
      rps += edge.requestsPerSecond / Math.max(1, podsOf(ctx, s).length);
    }
  }
  return rps;
}

const isAmbient = (p: PodView) =>
  p.annotations['ambient.istio.io/redirection'] === 'enabled';

/**
 * Requests/s a container handles:
 * - an application container and a sidecar: its pod's;
 * - a waypoint: the edges routed through it, split over its pods;
 * - a ztunnel: those of the ambient pods on its node;
 * - cilium-envoy: the Cilium (L7) edges of the pods on its node.
 */
export function containerRequestsPerSecond(
  pod: PodView,
  cls: ContainerClass,
  ctx: ScrapeContext,
): number {
  const onNode = () =>
    ctx.pods.filter(p => p.node === pod.node && p.phase === 'Running');
  switch (cls) {
    case 'application':
    case 'linkerd-proxy':
    case 'istio-sidecar':
      return podRequestsPerSecond(pod, ctx);
    case 'istio-waypoint': {
      let rps = 0;
      for (const edge of ctx.plan) {
        const w = edge.via?.waypoint;
        if (edge.cluster !== ctx.cluster || !w) continue;
        if (!isPodOf(pod, w.namespace, w.deployment)) continue;
        rps += edge.requestsPerSecond / Math.max(1, podsOf(ctx, w).length);
      }
      return rps;
    }
    case 'ztunnel':
      return onNode()
        .filter(isAmbient)
        .reduce((a, p) => a + podRequestsPerSecond(p, ctx), 0);
    case 'cilium-envoy':
      return onNode().reduce(
        (a, p) => a + podRequestsPerSecond(p, ctx, e => e.mesh === 'cilium'),
        0,
      );
    default:
      return 0;
  }
}

/** A container's simulated usage: cores (the CPU counter's rate) and working-set bytes. */
export function containerUsage(
  pod: PodView,
  container: string,
  ctx: ScrapeContext,
): { cores: number; bytes: number } {
  const cls = containerClass(pod, container);
  if (cls === 'system') {
    return SYSTEM_CONTAINER_USAGE[container] ?? UNKNOWN_SYSTEM_USAGE;
  }
  const model = CONTAINER_USAGE[cls];
  const rps = containerRequestsPerSecond(pod, cls, ctx);
  return {
    cores: model.idleCores + model.cpuSecondsPerRequest * rps,
    bytes: Math.round(model.idleBytes + model.bytesPerRequestPerSecond * rps),
  };
}
