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

import type { EstimateRange } from './cost';

/**
 * A published per-proxy figure for the what-if estimate. An absent range
 * means no published figure: the estimate then says so instead of guessing.
 * @public
 */
export interface ProxyCostFigure {
  /** Which proxy the figure is about. */
  component: 'sidecar' | 'waypoint' | 'ztunnel' | 'node-agent' | 'none';
  /** How many run: one per pod, one per node, one per waypoint. */
  per: 'pod' | 'node' | 'waypoint' | 'none';
  /** Cores per 1000 requests/s through the proxy. */
  cpuCoresPer1000Rps?: EstimateRange;
  /** Working set of one proxy instance. */
  memoryBytesPerInstance?: EstimateRange;
  /** When a range is derived from published figures rather than quoted: how. */
  derivation?: string;
  /** Keys of `meshComparisonSources`. */
  sources: string[];
  note: string;
}

/** One alternative's figures. @public */
export interface ProxyCostFigures {
  title: string;
  figures: ProxyCostFigure[];
}

const MB = 1e6;
/** The Linkerd/Istio proxy CPU ratio of the 2021 benchmark (36 ms vs 67 ms at 2,000 rps). */
const LINKERD_TO_ISTIO_CPU = 36 / 67;

/**
 * The per-mesh figures, from ../shared/mesh-facts.md §6 and the sources of
 * {@link meshComparisonSources}, keyed by what-if alternative. Ranges span
 * the sources; none is invented. Each built-in adapter offers its entries as
 * `costAlternatives`; `none` is the what-if's own.
 * @public
 */
export const proxyCostFigures: Record<string, ProxyCostFigures> = {
  linkerd: {
    title: 'Linkerd (sidecar)',
    figures: [
      {
        component: 'sidecar',
        per: 'pod',
        cpuCoresPer1000Rps: {
          low: 0.2 * LINKERD_TO_ISTIO_CPU,
          high: 0.5 * LINKERD_TO_ISTIO_CPU,
        },
        derivation:
          "No per-request CPU is published for Linkerd: the Istio sidecar's 0.20-0.50 vCPU per 1000 rps scaled by the 2021 benchmark's proxy CPU ratio 36/67.",
        memoryBytesPerInstance: { low: 20 * MB, high: 26.3 * MB },
        sources: [
          'linkerd-benchmark-2021',
          'istio-performance-1.24',
          'istio-performance-older',
          'seed-000-talos-homelab-strategy',
        ],
        note: 'Memory: homelab estimate ~20 MB per proxy; benchmark maximum 26.3 MB at 2,000 rps.',
      },
    ],
  },
  istio: {
    title: 'Istio (sidecar)',
    figures: [
      {
        component: 'sidecar',
        per: 'pod',
        cpuCoresPer1000Rps: { low: 0.2, high: 0.5 },
        memoryBytesPerInstance: { low: 50 * MB, high: 60 * MB },
        sources: ['istio-performance-1.24', 'istio-performance-older'],
        note: 'Istio 1.24: 0.20 vCPU and 60 MB at 1000 rps (2 workers, 1 KB payloads); earlier docs about 0.5 vCPU per 1000 rps and 50 MB.',
      },
    ],
  },
  'istio-ambient': {
    title: 'Istio ambient',
    figures: [
      {
        component: 'ztunnel',
        per: 'node',
        cpuCoresPer1000Rps: { low: 0.06, high: 0.06 },
        memoryBytesPerInstance: { low: 12 * MB, high: 12 * MB },
        sources: ['istio-performance-1.24'],
        note: 'Istio 1.24: ztunnel about 0.06 vCPU and 12 MB at 1000 rps.',
      },
      {
        component: 'waypoint',
        per: 'waypoint',
        cpuCoresPer1000Rps: { low: 0, high: 0.25 },
        memoryBytesPerInstance: { low: 0, high: 60 * MB },
        sources: ['istio-performance-1.24'],
        note: 'Istio 1.24: a waypoint about 0.25 vCPU and 60 MB at 1000 rps. Low end: L4 only, no waypoint; high end: one waypoint carrying all the traffic.',
      },
    ],
  },
  cilium: {
    title: 'Cilium (sidecar-less)',
    figures: [
      {
        component: 'node-agent',
        per: 'node',
        sources: ['cilium-config'],
        note: 'No published figure: our sources give no per-request or per-node figure for the cilium agent or cilium-envoy.',
      },
    ],
  },
  none: {
    title: 'No mesh',
    figures: [
      {
        component: 'none',
        per: 'none',
        cpuCoresPer1000Rps: { low: 0, high: 0 },
        memoryBytesPerInstance: { low: 0, high: 0 },
        sources: [],
        note: 'No proxy runs; nor does mTLS, the golden signals or policy.',
      },
    ],
  },
};
