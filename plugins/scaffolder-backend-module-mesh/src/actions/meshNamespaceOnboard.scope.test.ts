import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { AuditorService } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { KubeObject } from '@meshlens/plugin-mesh-node';
import { setupServer } from 'msw/node';
import { FakeKubernetes } from '../__testUtils__/fakeKubernetes';
import {
  deployment,
  linkerdControlPlane,
  namespace,
} from '../__testUtils__/fixtures';
import { actionOptions, fakeCluster, TestEntity } from '../__testUtils__/setup';
import { createMeshNamespaceOnboardAction } from './meshNamespaceOnboard';

const labelled = (ns: string, name: string): KubeObject => {
  const d = deployment(ns, name);
  d.metadata.labels = { app: name };
  return d;
};

/** Team A's component, found by its label selector (no namespace annotation). */
const teamA: TestEntity = {
  ref: 'component:default/web',
  annotations: { 'backstage.io/kubernetes-label-selector': 'app=web' },
};

/** Team A's component, pinned to one cluster by its annotation. */
const teamAIn = (cluster: string): TestEntity => ({
  ref: teamA.ref,
  annotations: {
    ...teamA.annotations,
    'backstage.io/kubernetes-cluster': cluster,
  },
});

describe('mesh:namespace:onboard scope', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let fake: FakeKubernetes;

  beforeEach(() => {
    fake = fakeCluster(server);
    fake.add(
      'homelab',
      ...linkerdControlPlane(),
      namespace('web-team'),
      labelled('web-team', 'web'),
      namespace('payments'),
      labelled('payments', 'payments'),
    );
    fake.add('cloud', namespace('web-team'), labelled('web-team', 'web'));
  });

  async function run(
    input: Record<string, unknown>,
    extra: { entities?: TestEntity[]; auditor?: AuditorService } = {},
  ) {
    const action = createMeshNamespaceOnboardAction({
      ...actionOptions({ entities: extra.entities ?? [teamA] }),
      auditor: extra.auditor,
    });
    const ctx = createMockActionContext({
      input: input as any,
      logger: mockServices.logger.mock(),
    });
    await action.handler(ctx as any);
    return ctx;
  }

  /** Every request besides the scope's own LISTs of workloads by selector. */
  const beyondScope = () =>
    fake.requests.filter(
      r => !(r.method === 'GET' && r.path.includes('labelSelector=app%3Dweb')),
    );

  it("refuses team B's namespace for team A's component before anything is read or written", async () => {
    await expect(
      run({
        cluster: 'homelab',
        namespace: 'payments',
        mesh: 'linkerd',
        defaultPolicy: 'deny',
        entityRef: teamA.ref,
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'cluster/namespace: homelab/payments is not where component:default/web runs; its Kubernetes annotations resolve to cloud/web-team, homelab/web-team',
    });
    expect(fake.mutations()).toEqual([]);
    expect(beyondScope()).toEqual([]);
    expect(fake.get('homelab', '/api/v1/namespaces/payments')).toMatchObject({
      metadata: { name: 'payments' },
    });
  });

  it('refuses a cluster the annotations do not resolve to', async () => {
    await expect(
      run(
        {
          cluster: 'cloud',
          namespace: 'web-team',
          mesh: 'linkerd',
          entityRef: teamA.ref,
        },
        { entities: [teamAIn('homelab')] },
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('resolve to homelab/web-team'),
    });
    expect(fake.mutations()).toEqual([]);
  });

  it('refuses without an entityRef, naming the field', async () => {
    await expect(
      run({ cluster: 'homelab', namespace: 'web-team', mesh: 'linkerd' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^entityRef: give the catalog entity/),
    });
    expect(fake.requests).toEqual([]);
  });

  it('says so when the annotations resolve to nothing', async () => {
    await expect(
      run(
        {
          cluster: 'homelab',
          namespace: 'payments',
          mesh: 'linkerd',
          entityRef: 'component:default/ghost',
        },
        {
          entities: [
            {
              ref: 'component:default/ghost',
              annotations: { 'backstage.io/kubernetes-id': 'ghost' },
            },
          ],
        },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^entityRef: the Kubernetes annotations of component:default\/ghost resolve to no cluster and namespace/,
      ),
    });
    expect(fake.mutations()).toEqual([]);
  });

  it('names an annotated cluster the Kubernetes plugin does not have', async () => {
    await expect(
      run(
        {
          cluster: 'homelab',
          namespace: 'web-team',
          mesh: 'linkerd',
          entityRef: teamA.ref,
        },
        { entities: [teamAIn('staging')] },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'Cluster staging (annotation backstage.io/kubernetes-cluster) is not configured in the Kubernetes plugin; it has homelab, cloud',
    });
  });

  it('onboards where the entity runs, and the task and audit logs name the initiator', async () => {
    const success = jest.fn();
    const auditor: AuditorService = {
      createEvent: jest.fn(async () => ({ success, fail: jest.fn() })),
    };
    const ctx = await run(
      {
        cluster: 'homelab',
        namespace: 'web-team',
        mesh: 'linkerd',
        entityRef: teamA.ref,
      },
      { auditor },
    );
    expect(fake.get('homelab', '/api/v1/namespaces/web-team')).toMatchObject({
      metadata: { annotations: { 'linkerd.io/inject': 'enabled' } },
    });
    const meta = {
      initiator: 'user:default/mock',
      entityRef: teamA.ref,
      cluster: 'homelab',
      namespace: 'web-team',
      mesh: 'linkerd',
      delivery: 'apply',
      dryRun: false,
    };
    expect(auditor.createEvent).toHaveBeenCalledWith({
      eventId: 'namespace-onboard',
      severityLevel: 'medium',
      meta,
    });
    expect(success).toHaveBeenCalledWith({ meta });
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringContaining('started by user:default/mock'),
    );
  });

  it('records a refused apply as a failed audit event', async () => {
    const fail = jest.fn();
    const auditor: AuditorService = {
      createEvent: jest.fn(async () => ({ success: jest.fn(), fail })),
    };
    const action = createMeshNamespaceOnboardAction({
      ...actionOptions({ entities: [teamA], permission: 'DENY' as any }),
      auditor,
    });
    const ctx = createMockActionContext({
      input: {
        cluster: 'homelab',
        namespace: 'web-team',
        mesh: 'linkerd',
        entityRef: teamA.ref,
      } as any,
    });
    await expect(action.handler(ctx as any)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^user:default\/mock may not onboard namespaces to a mesh for component:default\/web/,
      ),
    });
    expect(fail).toHaveBeenCalledWith(
      expect.objectContaining({
        error: expect.objectContaining({ name: 'NotAllowedError' }),
      }),
    );
    expect(fake.mutations()).toEqual([]);
  });
});
