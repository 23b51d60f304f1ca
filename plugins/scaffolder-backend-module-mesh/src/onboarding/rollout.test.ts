import { FakeKubernetes } from '../__testUtils__/fakeKubernetes';
import { deployment, namespace } from '../__testUtils__/fixtures';
import { useFakeCluster } from '../__testUtils__/setup';
import { rolloutFailures } from './rollout';

const FORBIDDEN =
  'pods "web-2-x" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities';

function replicaSet(
  name: string,
  ownerUid: string,
  revision: number,
  failure?: string,
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'shop',
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ kind: 'Deployment', name: 'web', uid: ownerUid }],
    },
    status: failure
      ? {
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: failure,
            },
          ],
        }
      : {},
  } as any;
}

describe('rolloutFailures', () => {
  const cluster = useFakeCluster();
  let fake: FakeKubernetes;
  const check = () =>
    rolloutFailures({
      api: cluster.api(),
      namespace: 'shop',
      workloads: [{ kind: 'Deployment', name: 'web' }],
    });

  beforeEach(() => {
    fake = cluster.fake;
    fake.add('homelab', namespace('shop'), deployment('shop', 'web'));
  });

  const uid = () =>
    fake.get('homelab', '/apis/apps/v1/namespaces/shop/deployments/web')
      .metadata.uid;

  it("names the newest ReplicaSet's FailedCreate and its message", async () => {
    fake.add(
      'homelab',
      replicaSet('web-1', uid(), 1),
      replicaSet('web-2', uid(), 2, FORBIDDEN),
    );
    expect(await check()).toEqual([
      `Deployment shop/web (ReplicaSet web-2) cannot create pods: FailedCreate: ${FORBIDDEN}`,
    ]);
  });

  it("ignores an old ReplicaSet's failure and other Deployments' ReplicaSets", async () => {
    fake.add(
      'homelab',
      replicaSet('web-1', uid(), 1, FORBIDDEN),
      replicaSet('web-2', uid(), 2),
      replicaSet('api-9', 'another-uid', 9, FORBIDDEN),
    );
    expect(await check()).toEqual([]);
  });
});
