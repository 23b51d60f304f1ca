import { EntityCost } from '@meshlens/plugin-mesh-common';

const reservation = {
  cpuSetBy: 0,
  memorySetBy: 0,
  containers: 1,
};

/** An ambient entity: no sidecar, its ztunnel part; a what-if of two alternatives. */
export const ambientCost: EntityCost = {
  window: '5m',
  workloads: [],
  totals: {
    proxy: { cpuCores: 0, memoryBytes: 0 },
    sharedProxies: { cpuCores: 0.004 },
    application: { cpuCores: 0.2, memoryBytes: 300 * 2 ** 20 },
    proxyShareOfApplication: { cpu: 0.02 },
    proxyShareOfTotal: { cpu: 0.004 / 0.204 },
    proxyReservations: { requests: reservation, limits: reservation },
  },
  rules: [],
  missing: [],
  whatIf: {
    kind: 'estimate',
    subject: 'component:default/recommendations',
    basis: { requestsPerSecond: 12, pods: 2, window: '5m' },
    alternatives: [
      {
        alternative: 'istio',
        title: 'Istio (sidecar)',
        cpuCores: { low: 0.0024, high: 0.006 },
        memoryBytes: { low: 100e6, high: 120e6 },
        method: 'm',
        sources: ['istio-performance-1.24'],
        caveats: [],
        missing: [],
      },
      {
        alternative: 'cilium',
        title: 'Cilium (sidecar-less)',
        method: 'none published',
        sources: ['cilium-config'],
        caveats: [],
        missing: [],
      },
    ],
    missing: [],
  },
};
