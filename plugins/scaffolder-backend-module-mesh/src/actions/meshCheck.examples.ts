import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** @public */
export const examples: TemplateExample[] = [
  {
    description: 'Check that a namespace can join Linkerd',
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          name: 'Pre-flight checks',
          action: 'mesh:check',
          input: {
            cluster: 'homelab',
            namespace: 'sensors',
            mesh: 'linkerd',
          },
        },
      ],
    }),
  },
  {
    description:
      'Check STRICT mTLS against the callers of an entity, reporting failures without failing the task',
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          name: 'Pre-flight checks',
          action: 'mesh:check',
          input: {
            cluster: 'cloud',
            namespace: 'orders',
            mesh: 'istio',
            mtlsMode: 'strict',
            entityRef: 'component:default/orders',
            allowWarnings: true,
          },
        },
      ],
    }),
  },
];
