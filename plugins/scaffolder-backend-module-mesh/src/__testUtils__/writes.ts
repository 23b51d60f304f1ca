import { KUBE_RESOURCES } from '@meshlens/plugin-mesh-node';
import { RestartWrite } from '../onboarding/writes';

/** A planned restart of Deployment shop/web, as planRestarts makes it. */
export function restartWrite(over: Partial<RestartWrite> = {}): RestartWrite {
  return {
    op: 'restart',
    type: KUBE_RESOURCES.deployment,
    name: 'web',
    namespace: 'shop',
    restartedAt: '2026-12-01T12:00:00.000Z',
    previous: null,
    hadAnnotations: false,
    resourceVersion: '7',
    change: {
      action: 'restart',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      description: 'Restart Deployment shop/web',
    },
    ...over,
  };
}
