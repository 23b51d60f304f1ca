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
