import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** @public */
export const examples: TemplateExample[] = [
  {
    description:
      'Onboard a namespace to Linkerd (annotation linkerd.io/inject: enabled), PERMISSIVE, and restart its workloads',
    example: yaml.stringify({
      steps: [
        {
          id: 'onboard',
          name: 'Put the namespace into Linkerd',
          action: 'mesh:namespace:onboard',
          input: {
            cluster: 'homelab',
            namespace: 'sensors',
            entityRef: 'component:default/sensor-gateway',
            mesh: 'linkerd',
            mtlsMode: 'permissive',
            restartWorkloads: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Onboard to Istio with STRICT mTLS and a same-namespace policy, checking first that every caller of the entity has a proxy',
    example: yaml.stringify({
      steps: [
        {
          id: 'onboard',
          name: 'Put the namespace into Istio',
          action: 'mesh:namespace:onboard',
          input: {
            cluster: 'cloud',
            namespace: 'orders',
            mesh: 'istio',
            mtlsMode: 'strict',
            defaultPolicy: 'allow-same-namespace',
            allowFrom: ['istio-ingress'],
            entityRef: 'component:default/orders',
          },
        },
      ],
    }),
  },
  {
    description:
      'Write the Istio ambient manifests into the workspace for a pull request; the cluster is not changed',
    example: yaml.stringify({
      steps: [
        {
          id: 'manifests',
          name: 'Write the mesh manifests',
          action: 'mesh:namespace:onboard',
          input: {
            cluster: 'cloud',
            namespace: 'inventory',
            entityRef: 'component:default/inventory',
            mesh: 'istio',
            dataPlane: 'ambient',
            defaultPolicy: 'deny',
            allowFrom: ['orders'],
            delivery: 'manifests',
            manifestsDirectory: 'k8s/mesh',
          },
        },
      ],
    }),
  },
  {
    description:
      'Only show the change set for Cilium with mutual authentication required (no change is made)',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          name: 'Preview the change set',
          action: 'mesh:namespace:onboard',
          input: {
            cluster: 'homelab',
            namespace: 'reports',
            entityRef: 'component:default/legacy-reports',
            mesh: 'cilium',
            mtlsMode: 'strict',
            defaultPolicy: 'allow-same-namespace',
            dryRun: true,
          },
        },
      ],
    }),
  },
];
