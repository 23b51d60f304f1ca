import { KUBE_RESOURCES } from '@meshlens/plugin-mesh-node';
import { planHash, RestartWrite } from './writes';

const restart = (over: Partial<RestartWrite> = {}): RestartWrite => ({
  op: 'restart',
  type: KUBE_RESOURCES.deployment,
  name: 'web',
  namespace: 'shop',
  restartedAt: '2026-12-01T12:00:00Z',
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
});

describe('planHash', () => {
  it('is the same for the same writes over the same versions, whenever computed', () => {
    expect(planHash([restart()])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planHash([restart()])).toBe(
      planHash([restart({ restartedAt: '2026-12-01T12:05:00Z' })]),
    );
  });

  it('changes when an object read changed, or the writes differ', () => {
    const base = planHash([restart()]);
    expect(planHash([restart({ resourceVersion: '8' })])).not.toBe(base);
    expect(planHash([restart({ name: 'api' })])).not.toBe(base);
    expect(planHash([])).not.toBe(base);
  });
});
