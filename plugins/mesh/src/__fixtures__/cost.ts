import {
  CostTotals,
  EntityCost,
  FleetCost,
  WhatIfEstimate,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';

const MiB = 2 ** 20;

const reservation = (cpuCores?: number, memoryBytes?: number, n = 3) => ({
  ...(cpuCores !== undefined && { cpuCores }),
  ...(memoryBytes !== undefined && { memoryBytes }),
  cpuSetBy: cpuCores === undefined ? 0 : n,
  memorySetBy: memoryBytes === undefined ? 0 : n,
  containers: n,
});

const ZTUNNEL_RULE =
  "Each node's ztunnel is split evenly over the ambient-enrolled pods on that node; a workload gets the sum of its pods' parts.";

/** Linkerd sidecars on three pods, no requests set (Linkerd's default). */
export const storefrontWorkloadCost: WorkloadCost = {
  cluster: 'homelab',
  namespace: 'storefront',
  workload: 'storefront',
  pods: 3,
  proxy: { cpuCores: 0.03, memoryBytes: 60 * MiB },
  sharedProxies: [],
  application: { cpuCores: 0.3, memoryBytes: 600 * MiB },
  proxyShareOfApplication: { cpu: 0.1, memory: 0.1 },
  proxyShareOfTotal: { cpu: 0.03 / 0.33, memory: 60 / 660 },
  proxyReservations: {
    requests: reservation(),
    limits: reservation(),
  },
  missing: [
    {
      gap: 'no-proxy-requests',
      subject: 'homelab/storefront/storefront',
      message:
        'The proxy containers set no CPU or memory requests (the scheduler reserves nothing for them)',
    },
  ],
};

const totalsOf = (w: WorkloadCost): CostTotals => ({
  proxy: w.proxy,
  sharedProxies: {
    ...(w.sharedProxies.length > 0 && {
      cpuCores: w.sharedProxies.reduce((a, s) => a + (s.cpuCores ?? 0), 0),
      memoryBytes: w.sharedProxies.reduce(
        (a, s) => a + (s.memoryBytes ?? 0),
        0,
      ),
    }),
  },
  application: w.application,
  proxyShareOfApplication: w.proxyShareOfApplication,
  proxyShareOfTotal: w.proxyShareOfTotal,
  proxyReservations: w.proxyReservations,
});

/** The storefront entity's cost. */
/**
 * What-if for storefront as the backend estimates it: 48 req/s through
 * its proxies, 3 pods, a node share of 0.75 (Istio: 0.20-0.50 vCPU per
 * 1000 rps and 50-60 MB per pod; Cilium has no published figure).
 */
export const storefrontWhatIf: WhatIfEstimate = {
  kind: 'estimate',
  subject: 'component:default/storefront',
  basis: { requestsPerSecond: 48, pods: 3, nodeShare: 0.75, window: '5m' },
  alternatives: [
    {
      alternative: 'istio',
      title: 'Istio (sidecar)',
      cpuCores: { low: 0.0096, high: 0.024 },
      memoryBytes: { low: 150e6, high: 180e6 },
      method:
        'istio-proxy CPU: requests/s ÷ 1000 × cores per 1000 rps; istio-proxy memory: pods × bytes per instance',
      sources: ['istio-performance-1.24', 'istio-performance-older'],
      caveats: [],
      missing: [],
    },
    {
      alternative: 'cilium',
      title: 'Cilium (sidecar-less)',
      method: 'No per-request figure is published for the Cilium agent.',
      sources: ['cilium-config'],
      caveats: [],
      missing: [
        {
          gap: 'no-published-figure',
          subject: 'component:default/storefront (cilium)',
          message: 'No per-request figure is published for the Cilium agent.',
        },
      ],
    },
    {
      alternative: 'none',
      title: 'No mesh',
      cpuCores: { low: 0, high: 0 },
      memoryBytes: { low: 0, high: 0 },
      method: 'No proxy.',
      sources: [],
      caveats: [],
      missing: [],
    },
  ],
  missing: [],
};

export const storefrontCost: EntityCost = {
  window: '5m',
  workloads: [storefrontWorkloadCost],
  totals: totalsOf(storefrontWorkloadCost),
  rules: [],
  missing: storefrontWorkloadCost.missing,
  whatIf: storefrontWhatIf,
};

/** Istio ambient: no sidecar, the ztunnels' parts. */
export const recommendationsWorkloadCost: WorkloadCost = {
  cluster: 'cloud',
  namespace: 'recommendations',
  workload: 'recommendations',
  pods: 2,
  proxy: { cpuCores: 0, memoryBytes: 0 },
  sharedProxies: [
    {
      kind: 'ztunnel',
      rule: ZTUNNEL_RULE,
      cpuCores: 0.004,
      memoryBytes: 8 * MiB,
    },
  ],
  application: { cpuCores: 0.2, memoryBytes: 300 * MiB },
  proxyShareOfApplication: { cpu: 0.02, memory: 8 / 300 },
  proxyShareOfTotal: { cpu: 0.004 / 0.204, memory: 8 / 308 },
  proxyReservations: { requests: reservation(), limits: reservation() },
  missing: [],
};

export const recommendationsCost: EntityCost = {
  window: '5m',
  workloads: [recommendationsWorkloadCost],
  totals: totalsOf(recommendationsWorkloadCost),
  rules: [ZTUNNEL_RULE],
  missing: [],
};

/** The fleet: homelab (Linkerd, HA destination) and cloud (istiod). */
export const fleetCostFixture: FleetCost = {
  window: '5m',
  clusters: [
    {
      cluster: 'homelab',
      window: '5m',
      totals: storefrontCost.totals,
      unapportioned: {},
      controlPlane: [
        {
          component: 'linkerd-destination',
          namespace: 'linkerd',
          replicas: 3,
          highAvailability: true,
          usage: { cpuCores: 0.03, memoryBytes: 150 * MiB },
        },
      ],
      controlPlaneTotal: { cpuCores: 0.03, memoryBytes: 150 * MiB },
      topEntities: [
        {
          entityRef: 'component:default/storefront',
          proxy: storefrontWorkloadCost.proxy,
          proxyShareOfTotal: storefrontWorkloadCost.proxyShareOfTotal,
        },
      ],
      missing: [],
    },
    {
      cluster: 'cloud',
      window: '5m',
      totals: recommendationsCost.totals,
      unapportioned: { cpuCores: 0.001, memoryBytes: 2 * MiB },
      controlPlane: [
        {
          component: 'istiod',
          namespace: 'istio-system',
          replicas: 1,
          highAvailability: false,
          usage: { cpuCores: 0.05, memoryBytes: 180 * MiB },
        },
      ],
      controlPlaneTotal: { cpuCores: 0.05, memoryBytes: 180 * MiB },
      topEntities: [
        {
          entityRef: 'component:default/recommendations',
          proxy: { cpuCores: 0.004, memoryBytes: 8 * MiB },
          proxyShareOfTotal: recommendationsWorkloadCost.proxyShareOfTotal,
        },
      ],
      missing: [],
    },
  ],
  totals: {
    proxy: { cpuCores: 0.03, memoryBytes: 60 * MiB },
    sharedProxies: { cpuCores: 0.004, memoryBytes: 8 * MiB },
    application: { cpuCores: 0.5, memoryBytes: 900 * MiB },
    proxyShareOfApplication: { cpu: 0.034 / 0.5, memory: 68 / 900 },
    proxyShareOfTotal: { cpu: 0.034 / 0.534, memory: 68 / 968 },
    proxyReservations: { requests: reservation(), limits: reservation() },
  },
  controlPlaneTotal: { cpuCores: 0.08, memoryBytes: 330 * MiB },
  topEntities: [
    {
      entityRef: 'component:default/storefront',
      proxy: { cpuCores: 0.03, memoryBytes: 60 * MiB },
      proxyShareOfTotal: storefrontWorkloadCost.proxyShareOfTotal,
    },
    {
      entityRef: 'component:default/recommendations',
      proxy: { cpuCores: 0.004, memoryBytes: 8 * MiB },
      proxyShareOfTotal: recommendationsWorkloadCost.proxyShareOfTotal,
    },
  ],
  missing: [],
};
