import { KUBE_RESOURCES, KubeObject } from '@meshlens/plugin-mesh-node';
import { FakeKubernetes } from '../__testUtils__/fakeKubernetes';
import { deployment, namespace } from '../__testUtils__/fixtures';
import { useFakeCluster } from '../__testUtils__/setup';
import { applyPlan, Checkpoint, OnboardingStepError } from './transaction';
import { restartWrite } from '../__testUtils__/writes';
import { NamespaceWrite, ObjectWrite, PlannedWrite } from './writes';

const NS = '/api/v1/namespaces/shop';
const NP =
  '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/meshlens-default';
const DEPLOY = '/apis/apps/v1/namespaces/shop/deployments/web';
const MARKER = 'istio-injection';

/**
 * Checkpoints as the scaffolder keeps them: a success is stored as JSON and
 * returned on the next run, a failure runs again. `dieAfter` makes the
 * process "die" once that checkpoint's fn has run: it never returns.
 */
function checkpoints(dieAt?: string) {
  const stored = new Map<string, string>();
  let dieAfter = dieAt;
  const checkpoint: Checkpoint = async ({ key, fn }) => {
    const kept = stored.get(key);
    if (kept !== undefined) return JSON.parse(kept);
    const value = await fn();
    stored.set(key, JSON.stringify(value ?? {}));
    if (key === dieAfter) {
      dieAfter = undefined;
      await new Promise(() => {});
    }
    return value as any;
  };
  return { checkpoint, stored };
}

describe('applyPlan', () => {
  const cluster = useFakeCluster();
  let fake: FakeKubernetes;
  const api = cluster.api;

  const policy: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'meshlens-default', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };

  function plan(): PlannedWrite[] {
    const ns = fake.get('homelab', NS);
    const web = fake.get('homelab', DEPLOY);
    const create: ObjectWrite = {
      op: 'object',
      type: KUBE_RESOURCES.networkPolicy,
      name: 'meshlens-default',
      namespace: 'shop',
      desired: policy,
      change: {
        action: 'apply',
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name: 'meshlens-default',
        namespace: 'shop',
        description: 'Create NetworkPolicy shop/meshlens-default',
      },
    };
    const marker: NamespaceWrite = {
      op: 'namespace',
      type: KUBE_RESOURCES.namespace,
      name: 'shop',
      next: { labels: { [MARKER]: 'enabled' }, annotations: {} },
      previous: { labels: { [MARKER]: null }, annotations: {} },
      resourceVersion: ns.metadata.resourceVersion,
      change: {
        action: 'patch',
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'shop',
        description: 'Namespace shop: label istio-injection=enabled',
      },
    };
    const restart = restartWrite({
      resourceVersion: web.metadata.resourceVersion,
    });
    return [create, marker, restart];
  }

  const run = (
    writes: PlannedWrite[],
    checkpoint: Checkpoint,
    extra: Partial<Parameters<typeof applyPlan>[0]> = {},
  ) =>
    applyPlan({
      api: api(),
      writes,
      checkpoint,
      markerSet: ns => ns?.metadata.labels?.[MARKER] === 'enabled',
      log: () => {},
      ...extra,
    });

  const realWrites = () =>
    fake.mutations().map(r => `${r.method} ${r.path.split('?')[0]}`);

  beforeEach(() => {
    fake = cluster.fake;
    fake.add('homelab', namespace('shop'), deployment('shop', 'web'));
  });

  it('resumes after a restart without writing anything twice', async () => {
    const writes = plan();
    const { checkpoint } = checkpoints('meshlens.onboard.write.1');
    // The first run dies once the namespace write is done.
    void run(writes, checkpoint);
    await new Promise(r => setTimeout(r, 200));
    expect(realWrites()).toEqual([`PATCH ${NP}`, `PATCH ${NS}`]);

    await run(writes, checkpoint);
    expect(realWrites()).toEqual([
      `PATCH ${NP}`,
      `PATCH ${NS}`,
      `PATCH ${DEPLOY}`,
    ]);
    expect(fake.get('homelab', NS).metadata.labels[MARKER]).toBe('enabled');
  });

  it('finds a write committed before a restart whose checkpoint was lost', async () => {
    const writes = plan();
    // Committed by a run that died before its checkpoint was stored.
    await run(writes.slice(1, 2), checkpoints().checkpoint);
    fake.requests.length = 0;
    await run(writes, checkpoints().checkpoint);
    // The stale resourceVersion answers 409; read back, it is ours: no undo.
    expect(realWrites()).toEqual([
      `PATCH ${NP}`,
      `PATCH ${NS}`,
      `PATCH ${DEPLOY}`,
    ]);
    expect(
      fake.get('homelab', DEPLOY).spec.template.metadata.annotations,
    ).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2026-12-01T12:00:00.000Z',
    });
  });

  it('goes on with a rollback a restart interrupted, writing nothing new', async () => {
    const writes = plan();
    const before = fake.snapshot('homelab');
    fake.failWrite(2, 503);
    const { checkpoint } = checkpoints('meshlens.onboard.rollback');
    void run(writes, checkpoint);
    await new Promise(r => setTimeout(r, 200));
    expect(fake.get('homelab', NP)).toBeDefined();

    fake.requests.length = 0;
    await expect(run(writes, checkpoint)).rejects.toThrow(
      /^Step "Namespace shop: label istio-injection=enabled" failed: .*503.*Rolled back: Create NetworkPolicy shop\/meshlens-default\.$/,
    );
    expect(realWrites()).toEqual([`DELETE ${NP}`]);
    expect(fake.snapshot('homelab')).toEqual(before);
  });

  it('stops at cancellation between writes and undoes what was written', async () => {
    const controller = new AbortController();
    await expect(
      run(plan(), checkpoints().checkpoint, {
        signal: controller.signal,
        log: () => controller.abort(),
      }),
    ).rejects.toThrow(
      'Step "Namespace shop: label istio-injection=enabled" failed: the task was cancelled. Rolled back: Create NetworkPolicy shop/meshlens-default.',
    );
    expect(realWrites()).toEqual([`PATCH ${NP}`, `DELETE ${NP}`]);
  });

  it('undoes a write the server committed while the task was cancelled in flight', async () => {
    const controller = new AbortController();
    // The server commits the write; the task is cancelled before the answer.
    fake.onWrite = () => controller.abort();
    await expect(
      run(plan(), checkpoints().checkpoint, { signal: controller.signal }),
    ).rejects.toThrow(
      /^Step "Create NetworkPolicy shop\/meshlens-default" failed: the task was cancelled .*Rolled back: Create NetworkPolicy shop\/meshlens-default\.$/,
    );
    expect(realWrites()).toEqual([`PATCH ${NP}`, `DELETE ${NP}`]);
    expect(fake.get('homelab', NP)).toBeUndefined();
  });

  it('removes the marker before undoing restarts, and lists what it cannot undo with the commands', async () => {
    const writes = plan();
    let seen = 0;
    fake.onWrite = (name, path, object) => {
      // Somebody edits the policy right after onboarding created it.
      if (++seen === 1 && object) {
        fake.put(name, path, {
          ...object,
          spec: { ...object.spec, policyTypes: ['Egress'] },
        });
      }
    };
    const failure = await run(writes, checkpoints().checkpoint, {
      afterWrites: async () => {
        throw new Error('pods refused');
      },
    }).catch(e => e);
    expect(failure).toBeInstanceOf(OnboardingStepError);
    expect(failure.rolledBack).toEqual([
      'Namespace shop: label istio-injection=enabled',
      'Restart Deployment shop/web',
    ]);
    expect(realWrites().slice(3)).toEqual([`PATCH ${NS}`, `PATCH ${DEPLOY}`]);
    expect(failure.leftovers).toEqual([
      {
        kind: 'NetworkPolicy',
        name: 'meshlens-default',
        namespace: 'shop',
        state: expect.stringContaining('changed by someone else'),
        commands: [
          'kubectl -n shop delete networkpolicies.networking.k8s.io meshlens-default',
        ],
      },
    ]);
    expect(failure.message).toMatch(
      /Finish by hand: kubectl -n shop delete networkpolicies\.networking\.k8s\.io meshlens-default$/,
    );
  });

  it('never undoes a restart while the namespace has the marker', async () => {
    fake.add('homelab', namespace('shop', { labels: { [MARKER]: 'enabled' } }));
    const restart = plan()[2];
    const failure = await run([restart], checkpoints().checkpoint, {
      afterWrites: async () => {
        throw new Error('pods refused');
      },
    }).catch(e => e);
    expect(realWrites()).toEqual([`PATCH ${DEPLOY}`]);
    expect(failure.leftovers).toEqual([
      {
        kind: 'Deployment',
        name: 'web',
        namespace: 'shop',
        state: expect.stringContaining('still has the enrolment marker'),
        commands: [
          `kubectl -n shop patch deployments.apps web --type json -p '[{"op":"remove","path":"/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt"}]'`,
        ],
      },
    ]);
  });
});
