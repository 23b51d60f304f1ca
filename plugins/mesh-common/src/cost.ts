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

/*
 * The mesh tax: what the proxies cost, measured from cAdvisor series
 * (`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`)
 * and the pod specs. A field that was not measured is absent, never 0, and
 * the `missing` list says why.
 */

/**
 * CPU and memory of a set of containers. An absent field was not measured
 * (see the `missing` list next to it); 0 means measured as zero.
 * @public
 */
export interface ResourceUsage {
  /** Cores: the rate of `container_cpu_usage_seconds_total` over the window. */
  cpuCores?: number;
  /** Bytes: `container_memory_working_set_bytes`. */
  memoryBytes?: number;
}

/**
 * Ratios of proxy usage, per resource; absent where either side was not
 * measured or the denominator is 0.
 * @public
 */
export interface ProxyShare {
  cpu?: number;
  memory?: number;
}

/**
 * Requests or limits of proxy containers as the pod specs set them, summed
 * over the containers that set them.
 * @public
 */
export interface ResourceReservation {
  cpuCores?: number;
  memoryBytes?: number;
  /** Proxy containers whose spec sets the CPU value, of `containers`. */
  cpuSetBy: number;
  /** Proxy containers whose spec sets the memory value, of `containers`. */
  memorySetBy: number;
  /** Proxy containers looked at. */
  containers: number;
}

/** @public */
export interface ProxyReservations {
  requests: ResourceReservation;
  limits: ResourceReservation;
}

/**
 * Why a number is absent:
 * - `no-usage-series`: no cAdvisor series for the pods at all (cAdvisor not
 *   scraped, or a label that does not match);
 * - `no-proxy-series`: the pods have proxy containers but no series for them;
 * - `no-proxy-requests`, `no-proxy-limits`: no proxy container sets them
 *   (Linkerd's default);
 * - `no-shared-proxy-series`: a node proxy (ztunnel, cilium agent or
 *   cilium-envoy, waypoint) serves the pods but was not measured;
 * - `no-control-plane-series`: a control-plane component was not measured;
 * - `no-traffic`: no measured requests/s for a what-if estimate;
 * - `no-node-share`: a what-if lacks the subject's share of the nodes, so a
 *   per-node proxy's memory is not estimated;
 * - `no-published-figure`: the what-if has no sourced figure for a mesh.
 * @public
 */
export type CostGap =
  | 'no-usage-series'
  | 'no-proxy-series'
  | 'no-proxy-requests'
  | 'no-proxy-limits'
  | 'no-shared-proxy-series'
  | 'no-control-plane-series'
  | 'no-traffic'
  | 'no-node-share'
  | 'no-published-figure';

/** @public */
export interface CostMissing {
  gap: CostGap;
  /** What it is about: `cluster/namespace/workload`, a pod, a component. */
  subject: string;
  /** A sentence for the tab: what is absent and what to fix. */
  message: string;
}

/** Node-level or shared proxies apportioned to a workload. @public */
export type SharedProxyKind =
  | 'ztunnel'
  | 'waypoint'
  | 'cilium-agent'
  | 'cilium-envoy';

/** @public */
export interface ApportionedUsage extends ResourceUsage {
  kind: SharedProxyKind;
  /** The apportioning rule, as a sentence (also stated in the OpenAPI document). */
  rule: string;
}

/** One workload's cost (Deployment, StatefulSet, DaemonSet) in one cluster. @public */
export interface WorkloadCost {
  cluster: string;
  namespace: string;
  workload: string;
  /** Pods measured. */
  pods: number;
  /** Per-pod proxy containers (sidecars), summed over the pods. */
  proxy: ResourceUsage;
  /** Shares of shared proxies, each by its rule. */
  sharedProxies: ApportionedUsage[];
  /** Application containers (every container that is not a proxy), summed. */
  application: ResourceUsage;
  /** (proxy + shared proxies) ÷ application. */
  proxyShareOfApplication: ProxyShare;
  /** (proxy + shared proxies) ÷ (proxy + shared proxies + application). */
  proxyShareOfTotal: ProxyShare;
  /** From the pod specs; what the scheduler reserves and a bill charges. */
  proxyReservations: ProxyReservations;
  missing: CostMissing[];
}

/** Sums of several workloads (an entity, a cluster, the fleet). @public */
export interface CostTotals {
  proxy: ResourceUsage;
  sharedProxies: ResourceUsage;
  application: ResourceUsage;
  proxyShareOfApplication: ProxyShare;
  proxyShareOfTotal: ProxyShare;
  proxyReservations: ProxyReservations;
}

/** What one catalog entity's proxies cost. @public */
export interface EntityCost {
  /** The PromQL range of the CPU rates, e.g. `5m`. */
  window: string;
  workloads: WorkloadCost[];
  totals: CostTotals;
  /** The rules used for shared proxies, once each. */
  rules: string[];
  missing: CostMissing[];
  /**
   * The entity's proxies under each alternative (other meshes, no mesh),
   * estimated from published figures and its measured throughput, pods and
   * node share: never a measurement.
   */
  whatIf?: WhatIfEstimate;
}

/** One control-plane component's usage. @public */
export interface ControlPlaneComponentCost {
  /** e.g. `linkerd-destination`, `istiod`, `cilium-operator`. */
  component: string;
  namespace: string;
  /** Pods measured. */
  replicas: number;
  /** True with more than one replica (HA); false for a single replica. */
  highAvailability: boolean;
  usage: ResourceUsage;
}

/** Monthly money, from configured prices (`mesh.cost.*`). @public */
export interface MonthlyCost {
  cpu?: number;
  memory?: number;
  total?: number;
  prices: { cpuCoreHour?: number; memoryGiBHour?: number };
  /** Hours in a month used (730). */
  hoursPerMonth: number;
}

/** One entity in a top list by proxy cost. @public */
export interface EntityCostRank {
  entityRef: string;
  proxy: ResourceUsage;
  proxyShareOfTotal: ProxyShare;
}

/** One cluster's proxy and control-plane cost. @public */
export interface ClusterCost {
  cluster: string;
  window: string;
  /** Every workload of the cluster (not only catalog entities). */
  totals: CostTotals;
  /** Shared-proxy usage that no workload's pods account for (e.g. a node with no served pods). */
  unapportioned: ResourceUsage;
  controlPlane: ControlPlaneComponentCost[];
  controlPlaneTotal: ResourceUsage;
  topEntities: EntityCostRank[];
  monthly?: { proxy: MonthlyCost; controlPlane: MonthlyCost };
  missing: CostMissing[];
}

/** The fleet: clusters' sums. @public */
export interface FleetCost {
  window: string;
  clusters: ClusterCost[];
  totals: CostTotals;
  controlPlaneTotal: ResourceUsage;
  topEntities: EntityCostRank[];
  monthly?: { proxy: MonthlyCost; controlPlane: MonthlyCost };
  missing: CostMissing[];
}

/**
 * The id of a what-if alternative: one the mesh adapters provide (their
 * `costAlternatives`, e.g. a sidecar or an ambient data plane) or `none`.
 * @public
 */
export type WhatIfAlternative = string;

/** A range between two sourced figures. @public */
export interface EstimateRange {
  low: number;
  high: number;
}

/** One alternative's estimate. @public */
export interface WhatIfAlternativeEstimate {
  alternative: WhatIfAlternative;
  title: string;
  /** Absent when no published figure exists (then `missing` says so). */
  cpuCores?: EstimateRange;
  memoryBytes?: EstimateRange;
  /** How the range was computed from the inputs and the figures. */
  method: string;
  /** Keys of `meshComparisonSources`. */
  sources: string[];
  /** Caveats of the sources (vendor-run, old versions). */
  caveats: string[];
  missing: CostMissing[];
}

/**
 * Estimated proxy resources of an entity or namespace under each
 * alternative. Always an estimate from published figures, never a
 * measurement: `kind` says so for every consumer.
 * @public
 */
export interface WhatIfEstimate {
  kind: 'estimate';
  subject: string;
  /** The measured inputs. */
  basis: {
    /** Requests/s through the subject's proxies (in + out), measured over `window`. */
    requestsPerSecond?: number;
    /**
     * Whose proxies measured `requestsPerSecond`: the subject's own, or (for
     * workloads without a proxy yet) their callers' and destinations', which
     * do not see callers without a proxy: then it is a lower bound.
     */
    requestsPerSecondMeasuredBy?: 'own-proxies' | 'peer-proxies';
    pods: number;
    /** The subject's share of the per-node proxies of its nodes (Σ its pods ÷ the pods on their node). */
    nodeShare?: number;
    window: string;
  };
  alternatives: WhatIfAlternativeEstimate[];
  missing: CostMissing[];
}
