import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import { FakeKubernetes } from '../__testUtils__/fakeKubernetes';
import {
  deployment,
  linkerdDeployment,
  linkerdControlPlane,
  namespace,
} from '../__testUtils__/fixtures';
import {
  actionOptions,
  entityAt,
  fakeCluster,
  statusWith,
} from '../__testUtils__/setup';
import { ambientCost } from '../__testUtils__/cost';
import { createMeshCheckAction } from './meshCheck';

describe('mesh:check', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let fake: FakeKubernetes;

  beforeEach(() => {
    fake = fakeCluster(server);
    fake.add('homelab', ...linkerdControlPlane(), namespace('sensors'));
  });

  async function check(
    input: Record<string, unknown>,
    options: Parameters<typeof actionOptions>[0] = {},
  ) {
    const action = createMeshCheckAction(actionOptions(options));
    const ctx = createMockActionContext({ input: input as any });
    const result = action.handler(ctx as any);
    return {
      result,
      outputs: async () => {
        await result.catch(() => undefined);
        return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      },
    };
  }

  it('passes every check for a namespace ready to join, with reads only', async () => {
    const { result, outputs } = await check({
      cluster: 'homelab',
      namespace: 'sensors',
      mesh: 'linkerd',
    });
    await result;
    const out = await outputs();
    expect(out.passed).toBe(true);
    expect(out.checks.map((c: any) => [c.id, c.status])).toEqual([
      ['namespace-name', 'pass'],
      ['namespace-not-system', 'pass'],
      ['namespace-exists', 'pass'],
      ['control-plane', 'pass'],
      ['namespace-markers', 'pass'],
      ['strict-mtls-callers', 'pass'],
    ]);
    expect(fake.mutations()).toEqual([]);
  });

  describe('with an entityRef and an entity-scoped identity', () => {
    const ref = 'component:default/sensor-gateway';
    function scopedCheck(namespaceInput: string) {
      const base = actionOptions({
        entities: [entityAt(ref, 'homelab', 'sensors')],
      });
      const used: string[] = [];
      const action = createMeshCheckAction({
        ...base,
        kubernetes: o => {
          used.push('initiator');
          return base.kubernetes(o);
        },
        entityScopedKubernetes: o => {
          used.push('scoped');
          return base.kubernetes(o);
        },
      });
      const ctx = createMockActionContext({
        input: {
          cluster: 'homelab',
          namespace: namespaceInput,
          mesh: 'linkerd',
          entityRef: ref,
        } as any,
      });
      return { used, result: action.handler(ctx as any) };
    }

    it('reads with the scoped identity where the entity runs', async () => {
      const { used, result } = scopedCheck('sensors');
      await result;
      expect(used).toEqual(['scoped']);
    });

    it('refuses a namespace the entity does not run in, before reading it', async () => {
      fake.add('homelab', namespace('payments'));
      const { used, result } = scopedCheck('payments');
      await expect(result).rejects.toThrow(
        /homelab\/payments is not where component:default\/sensor-gateway runs/,
      );
      expect(used).toEqual([]);
    });
  });

  it('fails the task on an unhealthy control plane, saying what is not ready', async () => {
    fake.add('homelab', linkerdDeployment('linkerd-destination', false));
    const { result, outputs } = await check({
      cluster: 'homelab',
      namespace: 'sensors',
      mesh: 'linkerd',
    });
    await expect(result).rejects.toThrow(
      /\[control-plane\] The linkerd control plane in linkerd is not healthy: Deployment linkerd\/linkerd-destination is not ready/,
    );
    expect((await outputs()).passed).toBe(false);
  });

  it('reports failed checks without failing the task when allowWarnings', async () => {
    fake.add(
      'homelab',
      namespace('sensors', {
        labels: { 'config.linkerd.io/admission-webhooks': 'disabled' },
      }),
    );
    const { result, outputs } = await check({
      cluster: 'homelab',
      namespace: 'sensors',
      mesh: 'linkerd',
      allowWarnings: true,
    });
    await result;
    const out = await outputs();
    expect(out.passed).toBe(false);
    expect(out.checks).toContainEqual({
      id: 'namespace-markers',
      status: 'fail',
      message: expect.stringContaining(
        "config.linkerd.io/admission-webhooks=disabled makes Linkerd's proxy injector skip this namespace",
      ),
      hint: expect.any(String),
    });
  });

  it('warns about the misspelt Linkerd label that guides recommend', async () => {
    fake.add(
      'homelab',
      namespace('sensors', { labels: { 'linkerd.io/injection': 'enabled' } }),
    );
    const { result, outputs } = await check({
      cluster: 'homelab',
      namespace: 'sensors',
      mesh: 'linkerd',
    });
    await result;
    expect((await outputs()).checks).toContainEqual(
      expect.objectContaining({
        id: 'namespace-markers',
        status: 'warn',
        message: expect.stringContaining(
          'the label linkerd.io/injection does nothing',
        ),
      }),
    );
  });

  /** STRICT for sensors; `entity` adds an entity whose one workload has only mTLS callers. */
  const checkStrict = (extra: Record<string, unknown>, entity = false) =>
    check(
      {
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        mtlsMode: 'strict',
        ...(entity ? { entityRef: 'component:default/sensors' } : {}),
        ...extra,
      },
      entity
        ? {
            status: statusWith(
              'homelab',
              'sensors',
              [{ from: 'storefront/web', mtls: true }],
              1,
            ),
          }
        : {},
    );

  it('refuses STRICT it cannot judge: a workload of the namespace without traffic data', async () => {
    fake.add('homelab', deployment('sensors', 'sensor-gateway'));
    const { outputs } = await checkStrict({ allowWarnings: true });
    expect((await outputs()).checks.at(-1)).toEqual({
      id: 'strict-mtls-callers',
      status: 'fail',
      message:
        'mtlsMode: STRICT is namespace-wide and cannot be judged: no entityRef was given; no traffic data for Deployment/sensor-gateway',
      hint: expect.stringContaining('allowStrictWithoutTraffic: true'),
    });
  });

  it("judges every workload of the namespace, not only the entity's", async () => {
    fake.add(
      'homelab',
      deployment('sensors', 'sensors'),
      deployment('sensors', 'sensor-metrics'),
    );
    // The entity's one workload is all mTLS; its neighbour has no data.
    const { outputs } = await checkStrict({ allowWarnings: true }, true);
    expect((await outputs()).checks.at(-1)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /no traffic data for Deployment\/sensor-metrics$/,
      ),
    });
  });

  it('lets an explicit override take STRICT on trust, as a warning', async () => {
    fake.add('homelab', deployment('sensors', 'sensor-gateway'));
    const { result, outputs } = await checkStrict({
      allowStrictWithoutTraffic: true,
    });
    await result;
    expect((await outputs()).checks.at(-1)).toMatchObject({
      status: 'warn',
      message:
        'STRICT without traffic data (no entityRef was given; no traffic data for Deployment/sensor-gateway): allowed by allowStrictWithoutTraffic.',
    });
  });

  it('passes STRICT when every workload of the namespace has only mTLS callers', async () => {
    fake.add('homelab', deployment('sensors', 'sensors'));
    const { result, outputs } = await checkStrict({}, true);
    await result;
    expect((await outputs()).checks.at(-1)).toMatchObject({
      status: 'pass',
    });
  });

  it('fails STRICT with the callers that have no proxy, asking the status service as the initiator', async () => {
    const options = {
      status: statusWith(
        'homelab',
        'sensors',
        [{ from: 'reports/legacy-reports', mtls: false }],
        null,
      ),
    };
    const opts = actionOptions(options);
    const ctx = createMockActionContext({
      input: {
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        mtlsMode: 'strict',
        entityRef: 'component:default/sensor-gateway',
      },
    });
    const action = createMeshCheckAction(opts);
    expect(action.id).toBe('mesh:check');
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /\[strict-mtls-callers\] mtlsMode: STRICT would refuse traffic .*callers without mTLS: reports\/legacy-reports → sensors/,
    );
    expect(opts.meshStatus!.getEntityStatus).toHaveBeenCalledWith(
      'component:default/sensor-gateway',
      { credentials: await ctx.getInitiatorCredentials() },
    );
  });

  it("outputs the entity's measured cost and what-if for the decision record", async () => {
    const base = statusWith('homelab', 'sensors', [], null);
    const opts = actionOptions({ status: { ...base, cost: ambientCost } });
    const ctx = createMockActionContext({
      input: {
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        entityRef: 'component:default/sensor-gateway',
      },
    });
    await createMeshCheckAction(opts).handler(ctx as any);
    const out = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(out.cost).toMatchObject({
      window: '5m',
      subject: base.entityRef,
      proxy: { cpuCores: 0.004 },
      estimates: [
        { title: 'Istio (sidecar)' },
        { title: 'Cilium (sidecar-less)' },
      ],
    });
    // Without an entity, nothing to measure.
    const none = createMockActionContext({
      input: { cluster: 'homelab', namespace: 'sensors', mesh: 'linkerd' },
    });
    await createMeshCheckAction(opts).handler(none as any);
    expect((none.output as jest.Mock).mock.calls.map(([name]) => name)).toEqual(
      ['checks', 'passed'],
    );
  });

  it('names the field of bad input', async () => {
    const { result } = await check({
      cluster: 'homelab',
      namespace: '-bad-',
      mesh: 'linkerd',
    });
    await expect(result).rejects.toThrow(
      /^namespace: "-bad-" is not a valid namespace name/,
    );
    expect(fake.requests).toEqual([]);
  });
});
