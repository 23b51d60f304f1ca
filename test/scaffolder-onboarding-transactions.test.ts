/*
 * mesh:namespace:onboard as a transaction, against the demo cluster's API
 * server with faults injected: a failed or lost write at every position,
 * two concurrent runs, a cancelled run, a missing CRD and pods refused by
 * Pod Security. After every failure the cluster must be as it was.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ApiFault,
  CLUSTERS,
  DemoCluster,
  FaultRequest,
  RequestRecord,
  startDemoCluster,
} from '../packages/demo-cluster/src';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMeshNamespaceOnboardAction } from '../plugins/scaffolder-backend-module-mesh/src';
import {
  KUBE_RESOURCES,
  KubernetesClient,
  entityKubernetesTarget,
  entityPlacements,
} from '../plugins/mesh-node/src';
import {
  assertReplayAllowed,
  deployRbacMode,
  ONBOARDING_ROLE,
} from './support/deployRbac';
import { BATCH_JOBS } from './support/batchJobs';

type Outputs = Record<string, any>;

const silentLogger = mockServices.rootLogger({ level: 'none' });

const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/guest' },
} as const;

const NAMESPACE = 'jobs';
const INPUT = {
  entityRef: 'component:default/batch-jobs',
  cluster: 'cloud',
  namespace: NAMESPACE,
  mesh: 'istio',
  defaultPolicy: 'allow-same-namespace',
  restartWorkloads: true,
};

/** A real write of the plan: not a dry run, not the Lease, not a read. */
const isPlanWrite = (r: FaultRequest) =>
  r.method !== 'GET' && !r.dryRun && !r.path.includes('/leases');

/** Injects `fault` at the k-th plan write of the next run. */
class FaultPlan {
  private writes = 0;
  private target?: { k: number; fault: ApiFault; onHit?: () => void };

  at(k: number, fault: ApiFault, onHit?: () => void) {
    this.writes = 0;
    this.target = { k, fault, onHit };
  }

  clear() {
    this.target = undefined;
  }

  decide(request: FaultRequest): ApiFault | undefined {
    if (!this.target || !isPlanWrite(request)) return undefined;
    this.writes += 1;
    if (this.writes !== this.target.k) return undefined;
    const { fault, onHit } = this.target;
    this.target = undefined;
    onHit?.();
    return fault;
  }
}

/** The action's token: deploy/rbac.yaml's service account, unless a test says otherwise. */
const ACTION_TOKEN = 'meshlens-onboarding-token';

/** Every request the action sent to the demo clusters that enforce deploy/rbac.yaml. */
const deployRbacRequests: RequestRecord[] = [];

async function startDemo(
  faults: FaultPlan,
  extra: Parameters<typeof startDemoCluster>[0] = {},
) {
  return startDemoCluster({
    ports: { homelab: 0, cloud: 0 },
    prometheus: false,
    faults: (cluster, request) =>
      cluster === 'cloud' ? faults.decide(request) : undefined,
    ...(extra.rbac
      ? {}
      : {
          rbac: deployRbacMode(ACTION_TOKEN),
          onRequest: (_cluster, r) => deployRbacRequests.push(r),
        }),
    ...extra,
  });
}

function harness(
  demo: () => DemoCluster,
  workspace: () => string,
  token = ACTION_TOKEN,
) {
  const client = (bearer: string) =>
    new KubernetesClient({
      baseUrl: demo().apiUrls.cloud,
      headers: async () => ({ Authorization: `Bearer ${bearer}` }),
      // Short, so a stalled request ends the test's run quickly.
      timeoutMs: 2_000,
    });
  /** The test's own client, with full access. */
  const api = () => client('demo-cloud-token');

  async function onboard(
    input: Record<string, unknown>,
    options: { isDryRun?: boolean; taskId?: string; signal?: AbortSignal } = {},
  ): Promise<Outputs> {
    const action = createMeshNamespaceOnboardAction({
      kubernetes: () => client(token),
      // The mesh plugin's resolution (mesh-node), against the demo API server.
      onboardingTargets: async entityRef => {
        if (entityRef !== INPUT.entityRef) {
          throw new Error(`no entity ${entityRef}`);
        }
        const { targets, problems } = await entityPlacements({
          target: entityKubernetesTarget(BATCH_JOBS),
          clusters: ['cloud'],
          list: () => (type, o) => api().list(type, o),
        });
        return { entityRef, targets, problems };
      },
      permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
      settings: { rolloutTimeoutMs: 15_000, rolloutPollIntervalMs: 100 },
    });
    const outputs: Outputs = {};
    try {
      await action.handler({
        input,
        logger: silentLogger,
        workspacePath: workspace(),
        output: (name: string, value: unknown) => {
          outputs[name] = value;
        },
        checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
        createTemporaryDirectory: async () => workspace(),
        getInitiatorCredentials: async () => credentials,
        task: { id: options.taskId ?? 'task-1' },
        isDryRun: options.isDryRun,
        signal: options.signal,
      } as any);
    } catch (error) {
      Object.assign(error as object, { outputs });
      throw error;
    }
    return outputs;
  }

  /**
   * Every object of the namespace and the namespace itself, as stored,
   * without what the server sets on every write (resourceVersion,
   * managedFields, generation). Pods and ReplicaSets are the controllers'
   * (a restart replaces them, as on a real cluster) and the Deployments'
   * status and revision are the Deployment controller's: left out.
   */
  function dump(): Record<string, unknown> {
    const store = demo().clusters.cloud.state.store;
    const out: Record<string, unknown> = {};
    for (const { resource, object } of store.all()) {
      const meta = object.metadata as Record<string, any>;
      const inNamespace =
        meta.namespace === NAMESPACE ||
        (resource.kind === 'Namespace' && meta.name === NAMESPACE);
      if (!inNamespace || resource.kind === 'Pod') continue;
      if (resource.kind === 'ReplicaSet') continue;
      const {
        resourceVersion: _rv,
        managedFields: _mf,
        generation: _g,
        ...metadata
      } = meta;
      const copy: Record<string, any> = JSON.parse(
        JSON.stringify({ ...object, metadata }),
      );
      if (resource.kind === 'Deployment') {
        delete copy.status;
        delete copy.metadata.annotations?.['deployment.kubernetes.io/revision'];
      }
      out[`${resource.kind} ${meta.name}`] = copy;
    }
    return out;
  }

  /** The names of the containers of the namespace's running pods. */
  async function podContainers(): Promise<string[]> {
    const pods = await api().list(KUBE_RESOURCES.pod, {
      namespace: NAMESPACE,
    });
    return pods
      .filter(p => !p.metadata.deletionTimestamp)
      .flatMap(p => [
        ...(p.spec?.initContainers ?? []),
        ...(p.spec?.containers ?? []),
      ])
      .map((c: any) => c.name)
      .sort();
  }

  return { api, onboard, dump, podContainers };
}

/**
 * The dry run shows exactly one write refused, as `result`, and the apply
 * then stops before any write, naming it.
 */
async function expectRefusedBeforeAnyWrite(
  h: ReturnType<typeof harness>,
  refusal: { kind: string; result: string; message: RegExp },
): Promise<Outputs> {
  const out = await h.onboard(INPUT, { isDryRun: true });
  const refused = out.preview.filter((p: any) => p.result !== 'ok');
  assert.deepEqual(
    refused.map((p: any) => `${p.kind} ${p.result}`),
    [`${refusal.kind} ${refusal.result}`],
  );
  assert.match(refused[0].message, refusal.message);
  const before = h.dump();
  await assert.rejects(h.onboard(INPUT), (error: Error) => {
    assert.match(
      error.message,
      /^The API server refuses the plan for cloud\/jobs \(dry run\); nothing was changed:\n/,
    );
    assert.ok(
      error.message.includes(
        `- Create ${refusal.kind} jobs/meshlens-default: ${refusal.result}: `,
      ),
      error.message,
    );
    return true;
  });
  assert.deepEqual(h.dump(), before);
  return out;
}

/** A demo cluster with fault injection for the tests of one describe block. */
function useDemo(
  extra: Parameters<typeof startDemoCluster>[0] = {},
  token?: string,
) {
  let demo: DemoCluster;
  let workspace: string;
  const faults = new FaultPlan();
  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'meshlens-onboard-tx-'));
    demo = await startDemo(faults, extra);
  });
  after(async () => {
    await demo?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  return {
    faults,
    h: harness(
      () => demo,
      () => workspace,
      token,
    ),
  };
}

describe('mesh:namespace:onboard: a fault at every write leaves the cluster as it was', () => {
  const { faults, h } = useDemo();

  it('previews every write with the API server and outputs a plan hash', async () => {
    const out = await h.onboard(INPUT, { isDryRun: true });
    assert.deepEqual(
      out.preview.map((p: any) => `${p.kind} ${p.result}`),
      [
        'PeerAuthentication ok',
        'AuthorizationPolicy ok',
        'NetworkPolicy ok',
        'Namespace ok',
        'Deployment ok',
      ],
    );
    assert.match(out.planHash, /^sha256:[0-9a-f]{64}$/);
  });

  const cases: Array<[string, ApiFault]> = [
    ['refused with a 500', { type: 'fail', status: 500 }],
    ['committed, then the connection dropped', { type: 'lose-reply' }],
    ['committed, then answered 504', { type: 'lose-reply', how: '504' }],
  ];
  for (const [what, fault] of cases) {
    it(`rolls back when write k of n is ${what}, for every k`, async () => {
      const n = (await h.onboard(INPUT, { isDryRun: true })).changes.length;
      assert.equal(n, 5);
      const before = h.dump();
      const containersBefore = await h.podContainers();
      for (let k = 1; k <= n; k++) {
        faults.at(k, fault);
        await assert.rejects(h.onboard(INPUT), (error: Error) => {
          assert.match(error.message, /^Step ".*" failed: /, `k=${k}`);
          assert.equal((error as any).outputs.leftovers, undefined);
          return true;
        });
        faults.clear();
        assert.deepEqual(h.dump(), before, `k=${k} (${what})`);
        // The marker went first, so no pod came back with a sidecar.
        assert.deepEqual(await h.podContainers(), containersBefore, `k=${k}`);
      }
    });
  }

  it('stops before writing when the cluster changed since the preview', async () => {
    const { planHash } = await h.onboard(INPUT, { isDryRun: true });
    await h.api().mergePatch(KUBE_RESOURCES.namespace, NAMESPACE, undefined, {
      metadata: { annotations: { 'changed-by': 'someone' } },
    });
    const before = h.dump();
    await assert.rejects(
      h.onboard({ ...INPUT, planHash }),
      /The cluster changed since the preview: the plan previewed \(sha256:[0-9a-f]+\) is not the plan now/,
    );
    assert.deepEqual(h.dump(), before);
    const fresh = await h.onboard(INPUT, { isDryRun: true });
    assert.notEqual(fresh.planHash, planHash);
  });

  it('applies the plan previewed when nothing changed in between, and releases the Lease', async () => {
    const { planHash } = await h.onboard(INPUT, { isDryRun: true });
    const out = await h.onboard({ ...INPUT, planHash });
    assert.equal(out.planHash, planHash);
    assert.equal(out.rollout.complete, true, JSON.stringify(out.rollout));
    assert.ok((await h.podContainers()).includes('istio-proxy'));
    const lease = await h.api().get(
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        plural: 'leases',
      },
      'meshlens-onboarding',
      NAMESPACE,
    );
    assert.equal(lease, undefined);
  });
});

describe('mesh:namespace:onboard: concurrency and cancellation', () => {
  // New pods of jobs take a while, so the first run holds its Lease.
  const { faults, h } = useDemo({
    slowRollout: { readyDelayMs: 1_500, namespaces: [NAMESPACE] },
  });

  it('rolls back what a cancelled run wrote, the write in flight included', async () => {
    const before = h.dump();
    const controller = new AbortController();
    // The third write stalls; the task is cancelled while it hangs.
    faults.at(3, { type: 'stall' }, () =>
      setTimeout(() => controller.abort(new Error('cancelled')), 100),
    );
    await assert.rejects(
      h.onboard(INPUT, { signal: controller.signal }),
      /failed: the task was cancelled.*Rolled back: Create AuthorizationPolicy jobs\/meshlens-default; Create PeerAuthentication jobs\/default\./s,
    );
    faults.clear();
    assert.deepEqual(h.dump(), before);
  });

  it('refuses the second of two concurrent runs, naming the holder, and completes the first', async () => {
    const results = await Promise.allSettled([
      h.onboard(INPUT, { taskId: 'task-a' }),
      h.onboard(INPUT, { taskId: 'task-b' }),
    ]);
    const done = results.filter(r => r.status === 'fulfilled');
    const refused = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    assert.equal(done.length, 1, JSON.stringify(results));
    assert.equal(refused.length, 1);
    assert.match(
      refused[0].reason.message,
      /^Namespace jobs is being onboarded by task task-[ab] \(Lease jobs\/meshlens-onboarding, held until .*\)/,
    );
    const out = (done[0] as PromiseFulfilledResult<Outputs>).value;
    assert.equal(out.rollout.complete, true);
    const ns = await h.api().get(KUBE_RESOURCES.namespace, NAMESPACE);
    assert.equal(ns?.metadata.labels?.['istio-injection'], 'enabled');
  });
});

describe('mesh:namespace:onboard: what the API server refuses', () => {
  const { h } = useDemo({
    crds: {
      cloud: CLUSTERS.cloud.crds.filter(
        c => c !== 'security.istio.io/v1/authorizationpolicies',
      ),
    },
  });

  it('names the kind a missing CRD leaves unserved, in the dry run and before any write', async () => {
    const out = await expectRefusedBeforeAnyWrite(h, {
      kind: 'AuthorizationPolicy',
      result: 'unknown-kind',
      message: /does not serve AuthorizationPolicy in security\.istio\.io\/v1/,
    });
    assert.match(out.summary, /The API server would refuse \(dry run\)/);
  });

  it('fails and rolls back when Pod Security refuses the new pods (FailedCreate)', async () => {
    const api = h.api();
    // Without istio-cni, the injector adds istio-init (NET_ADMIN, NET_RAW),
    // which the baseline level forbids.
    const cni = await api.list(KUBE_RESOURCES.daemonSet, {
      namespace: 'istio-system',
      labelSelector: 'k8s-app=istio-cni-node',
    });
    assert.equal(cni.length, 1);
    await api.delete(
      KUBE_RESOURCES.daemonSet,
      cni[0].metadata.name,
      'istio-system',
    );
    await api.mergePatch(KUBE_RESOURCES.namespace, NAMESPACE, undefined, {
      metadata: {
        labels: { 'pod-security.kubernetes.io/enforce': 'baseline' },
      },
    });
    const input = { ...INPUT, defaultPolicy: 'none' };
    const before = h.dump();
    const containersBefore = await h.podContainers();
    await assert.rejects(h.onboard(input), (error: Error) => {
      assert.match(
        error.message,
        /^Step "Rollout" failed: the rollout cannot finish: Deployment jobs\/batch-importer \(ReplicaSet batch-importer-[a-z0-9]+\) cannot create pods: FailedCreate: pods ".*" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities \(container "istio-init" must not include "NET_ADMIN", "NET_RAW"/,
      );
      // The marker first, then the restart.
      assert.match(
        error.message,
        /Rolled back: Namespace jobs: label istio-injection=enabled; Restart Deployment jobs\/batch-importer /,
      );
      return true;
    });
    assert.deepEqual(h.dump(), before);
    assert.deepEqual(await h.podContainers(), containersBefore);
  });
});

describe('mesh:namespace:onboard: what RBAC forbids', () => {
  const rbacDir = mkdtempSync(join(tmpdir(), 'meshlens-onboard-rbac-'));
  const manifestFile = join(rbacDir, 'rbac.yaml');
  // Reads everything and writes what onboarding writes, except NetworkPolicies.
  writeFileSync(
    manifestFile,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: onboarder }
rules:
  - apiGroups: ['*']
    resources: ['*']
    verbs: [get, list]
  - apiGroups: ['', apps, security.istio.io, coordination.k8s.io]
    resources: [namespaces, deployments, peerauthentications, authorizationpolicies, leases]
    verbs: [create, update, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: onboarder }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: onboarder }
subjects:
  - { kind: ServiceAccount, name: onboarder, namespace: meshlens }
`,
  );
  const { h } = useDemo(
    {
      rbac: {
        manifestFile,
        users: {
          'onboarder-token': 'system:serviceaccount:meshlens:onboarder',
        },
      },
    },
    'onboarder-token',
  );
  after(() => rmSync(rbacDir, { recursive: true, force: true }));

  it('shows the forbidden write in the dry run and refuses before any write', async () => {
    await expectRefusedBeforeAnyWrite(h, {
      kind: 'NetworkPolicy',
      result: 'forbidden',
      message:
        /networkpolicies.networking.k8s.io "meshlens-default" is forbidden: User "system:serviceaccount:meshlens:onboarder" cannot patch resource "networkpolicies"/,
    });
  });
});

describe('mesh:namespace:onboard: the RBAC it needs', () => {
  it("sent only requests deploy/rbac.yaml's onboarding ClusterRole allows, and none for a Secret", () => {
    // The runs above: dry runs, applies, rollbacks, Leases and rollouts.
    assertReplayAllowed(
      deployRbacRequests,
      [ONBOARDING_ROLE],
      [
        'create coordination.k8s.io/leases',
        'delete security.istio.io/authorizationpolicies',
        'patch /namespaces',
        'patch apps/deployments',
      ],
    );
  });
});
