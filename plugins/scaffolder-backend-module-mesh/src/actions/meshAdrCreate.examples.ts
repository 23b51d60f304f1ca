import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** @public */
export const examples: TemplateExample[] = [
  {
    description:
      'Record the choice of Linkerd for a service with a tight per-pod memory budget (MADR)',
    example: yaml.stringify({
      steps: [
        {
          id: 'adr',
          name: 'Write the ADR',
          action: 'mesh:adr:create',
          input: {
            mesh: 'linkerd',
            alternatives: ['istio', 'istio-ambient', 'cilium'],
            context: {
              service: 'sensor-gateway',
              cluster: 'homelab',
              namespace: 'sensors',
              mtlsMode: 'permissive',
              requirements: {
                mtls: true,
                multiCluster: false,
                memoryBudgetMiB: 32,
                teamExperience: 'two engineers, no Envoy experience',
              },
            },
            cost: {
              window: '5m',
              subject: 'namespace sensors',
              proxy: { cpuCores: 0.012, memoryBytes: 62914560 },
              application: { cpuCores: 0.15, memoryBytes: 314572800 },
              proxyShareOfTotal: { cpu: 0.074, memory: 0.167 },
              // As the mesh API's what-if gives them for 12 req/s, 2 pods, a node share of 1.
              estimates: [
                {
                  title: 'Istio (sidecar)',
                  cpuCores: { low: 0.0024, high: 0.006 },
                  memoryBytes: { low: 100000000, high: 120000000 },
                  sources: [
                    'istio-performance-1.24',
                    'istio-performance-older',
                  ],
                },
                {
                  title: 'Istio ambient',
                  cpuCores: { low: 0.00072, high: 0.00372 },
                  memoryBytes: { low: 12000000, high: 72000000 },
                  sources: ['istio-ambient-facts'],
                },
                {
                  title: 'No mesh',
                  cpuCores: { low: 0, high: 0 },
                  memoryBytes: { low: 0, high: 0 },
                  sources: [],
                },
              ],
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Record Istio ambient in the Nygard format, in a custom directory',
    example: yaml.stringify({
      steps: [
        {
          id: 'adr',
          name: 'Write the ADR',
          action: 'mesh:adr:create',
          input: {
            title: 'Adopt Istio ambient for the inventory namespace',
            mesh: 'istio',
            dataPlane: 'ambient',
            alternatives: ['istio', 'linkerd'],
            context: {
              service: 'inventory',
              namespace: 'inventory',
              requirements: { mtls: true, multiCluster: true },
            },
            status: 'proposed',
            adrDirectory: 'docs/decisions',
            format: 'nygard',
          },
        },
      ],
    }),
  },
];
