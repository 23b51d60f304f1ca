/*
 * mesh:namespace:onboard against the demo cluster's Kubernetes API server
 * (packages/demo-cluster), without mocks: real server-side apply, merge
 * patches, conflicts, the simulated Deployment controller and injector.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  startDemoCluster,
  DemoCluster,
  findResource,
  RequestRecord,
} from '../packages/demo-cluster/src';
import {
  assertReplayAllowed,
  deployRbacMode,
  ONBOARDING_ROLE,
} from './support/deployRbac';
import { BATCH_JOBS } from './support/batchJobs';
import { localGitOpsRepoFactory } from './support/localGitOpsRepo';
import {
  PullRequestSeen,
  publishPullRequestDouble,
} from './support/publishPullRequestDouble';
import scaffolderModuleMesh, {
  createMeshNamespaceOnboardAction,
} from '../plugins/scaffolder-backend-module-mesh/src';
import {
  KUBE_RESOURCES,
  KubeResourceType,
  KubernetesClient,
  entityKubernetesTarget,
  entityPlacements,
} from '../plugins/mesh-node/src';
import meshPlugin from '../plugins/mesh-backend/src';

const REPO_ROOT = resolve(__dirname, '..');

type Outputs = Record<string, any>;

/** The demo's catalog, and a component for the jobs namespace. */
const demoEntities = [
  ...readFileSync(resolve(REPO_ROOT, 'examples/entities.yaml'), 'utf8')
    .split(/^---$/m)
    .map(doc => parseYaml(doc))
    .filter(e => e?.kind === 'Component'),
  BATCH_JOBS,
];

/** The component whose annotations name this cluster and namespace. */
function entityRefAt(cluster: unknown, namespace: unknown): string {
  const found = demoEntities.find(
    e =>
      e.metadata.annotations?.['backstage.io/kubernetes-cluster'] === cluster &&
      e.metadata.annotations?.['backstage.io/kubernetes-namespace'] ===
        namespace,
  );
  return `component:default/${found?.metadata.name ?? 'none'}`;
}

const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/guest' },
} as const;

const silentLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/** The action's token: deploy/rbac.yaml's service account in the demo's RBAC mode. */
const ACTION_TOKEN = 'meshlens-onboarding-token';

describe('mesh:namespace:onboard against the demo cluster', () => {
  let demo: DemoCluster;
  let workspace: string;
  const requests: RequestRecord[] = [];

  /** The test's own client (full access), or the action's (`as: 'action'`). */
  const api = (cluster: 'homelab' | 'cloud', as?: 'action') =>
    new KubernetesClient({
      baseUrl: demo.apiUrls[cluster],
      headers: async () => ({
        Authorization: `Bearer ${
          as === 'action' ? ACTION_TOKEN : `demo-${cluster}-token`
        }`,
      }),
    });

  async function onboard(
    input: Record<string, unknown>,
    options: { isDryRun?: boolean } = {},
  ): Promise<Outputs> {
    const action = createMeshNamespaceOnboardAction({
      kubernetes: ({ cluster }) =>
        api(cluster as 'homelab' | 'cloud', 'action'),
      // The mesh plugin's resolution (mesh-node), against the demo API server.
      onboardingTargets: async entityRef => {
        const entity = demoEntities.find(
          e => `component:default/${e.metadata.name}` === entityRef,
        );
        if (!entity) throw new Error(`no entity ${entityRef}`);
        const { targets, problems } = await entityPlacements({
          target: entityKubernetesTarget(entity),
          clusters: ['homelab', 'cloud'],
          list: cluster => (type, o) =>
            api(cluster as 'homelab' | 'cloud').list(type, o),
        });
        return { entityRef, targets, problems };
      },
      permissions: {
        authorize: async requests =>
          requests.map(() => ({ result: 'ALLOW' as any })),
        // Part of PermissionsService; the action decides on the entity.
        authorizeConditional: async requests =>
          requests.map(() => ({ result: 'ALLOW' as any })),
      },
      settings: { rolloutTimeoutMs: 20_000, rolloutPollIntervalMs: 100 },
    });
    const outputs: Outputs = {};
    await action.handler({
      input: {
        entityRef: entityRefAt(input.cluster, input.namespace),
        ...input,
      },
      logger: silentLogger,
      workspacePath: workspace,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
      createTemporaryDirectory: async () => workspace,
      getInitiatorCredentials: async () => credentials,
      task: { id: 'integration' },
      isDryRun: options.isDryRun,
    } as any);
    return outputs;
  }

  const get = (
    cluster: 'homelab' | 'cloud',
    type: KubeResourceType,
    name: string,
    namespace?: string,
  ) => api(cluster).get(type, name, namespace);

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'meshlens-onboard-'));
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0 },
      prometheus: false,
      rbac: deployRbacMode(ACTION_TOKEN),
      onRequest: (_cluster, r) => requests.push(r),
    });
  });

  after(async () => {
    await demo?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('changes nothing in a dry run', async () => {
    const before = await get('homelab', KUBE_RESOURCES.namespace, 'sensors');
    const deployments = await api('homelab').list(KUBE_RESOURCES.deployment, {
      namespace: 'sensors',
    });
    assert.ok(deployments.length > 0);
    const out = await onboard(
      {
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        restartWorkloads: true,
      },
      { isDryRun: true },
    );
    assert.deepEqual(
      out.changes.map((c: any) => `${c.action} ${c.kind} ${c.name}`),
      [
        'patch Namespace sensors',
        ...deployments.map(d => `restart Deployment ${d.metadata.name}`),
      ],
    );
    const after = await get('homelab', KUBE_RESOURCES.namespace, 'sensors');
    assert.equal(
      after?.metadata.resourceVersion,
      before?.metadata.resourceVersion,
    );
  });

  it('onboards a namespace to Linkerd, restarts it and waits until every pod is meshed', async () => {
    const out = await onboard({
      cluster: 'homelab',
      namespace: 'sensors',
      mesh: 'linkerd',
      restartWorkloads: true,
    });
    const ns = await get('homelab', KUBE_RESOURCES.namespace, 'sensors');
    assert.equal(ns?.metadata.annotations?.['linkerd.io/inject'], 'enabled');
    assert.equal(ns?.metadata.labels?.['linkerd.io/inject'], undefined);
    const managers = ((ns?.metadata as any).managedFields ?? []).map(
      (m: any) => m.manager,
    );
    assert.ok(
      managers.includes('meshlens'),
      `managers: ${managers.join(', ')}`,
    );

    assert.ok(out.rollout.pods > 0, JSON.stringify(out.rollout));
    assert.deepEqual(out.rollout, {
      pods: out.rollout.pods,
      meshedPods: out.rollout.pods,
      complete: true,
    });
    const pods = await api('homelab').list(KUBE_RESOURCES.pod, {
      namespace: 'sensors',
    });
    const running = pods.filter(p => !(p.metadata as any).deletionTimestamp);
    assert.ok(running.length > 0);
    for (const p of running) {
      assert.equal(
        p.metadata.labels?.['linkerd.io/control-plane-ns'],
        'linkerd',
        p.metadata.name,
      );
    }
  });

  it('changes nothing on a second run, and says so', async () => {
    const before = await get('homelab', KUBE_RESOURCES.namespace, 'sensors');
    const out = await onboard({
      cluster: 'homelab',
      namespace: 'sensors',
      mesh: 'linkerd',
      restartWorkloads: true,
    });
    assert.deepEqual(out.changes, []);
    assert.match(
      out.summary,
      /^Nothing to change: homelab\/sensors is already onboarded to linkerd/,
    );
    const after = await get('homelab', KUBE_RESOURCES.namespace, 'sensors');
    assert.equal(
      after?.metadata.resourceVersion,
      before?.metadata.resourceVersion,
    );
  });

  it('writes nothing when the API server refuses a later write in the dry run', async () => {
    // Another tool owns meshlens-default's spec: our server-side apply conflicts.
    const policy = [
      KUBE_RESOURCES.linkerdAuthorizationPolicy,
      'meshlens-default',
      'reports',
    ] as const;
    await api('homelab').apply(
      KUBE_RESOURCES.linkerdAuthorizationPolicy,
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'meshlens-default', namespace: 'reports' },
        spec: {
          targetRef: {
            group: 'policy.linkerd.io',
            kind: 'Server',
            name: 'legacy',
          },
          requiredAuthenticationRefs: [],
        },
      },
      { fieldManager: 'kubectl' },
    );
    const nsBefore = await get('homelab', KUBE_RESOURCES.namespace, 'reports');
    const policyBefore = await get('homelab', ...policy);

    await assert.rejects(
      onboard({
        cluster: 'homelab',
        namespace: 'reports',
        mesh: 'linkerd',
        defaultPolicy: 'allow-same-namespace',
      }),
      (error: Error) => {
        // Sent first with dryRun=All, the conflicting write stops the
        // run before the writes ahead of it are made.
        assert.match(
          error.message,
          /^The API server refuses the plan for homelab\/reports \(dry run\); nothing was changed:\n- Update AuthorizationPolicy reports\/meshlens-default: conflict: .*409 Conflict.*conflicts with "kubectl"/s,
        );
        return true;
      },
    );

    const servers = await api('homelab').list(KUBE_RESOURCES.linkerdServer, {
      namespace: 'reports',
    });
    assert.deepEqual(
      servers.filter(s => s.metadata.name.startsWith('meshlens-')),
      [],
    );
    assert.equal(
      await get(
        'homelab',
        KUBE_RESOURCES.linkerdMeshTlsAuthentication,
        'meshlens-default',
        'reports',
      ),
      undefined,
    );
    assert.deepEqual(
      (await get('homelab', ...policy))?.spec,
      policyBefore?.spec,
    );
    const nsAfter = await get('homelab', KUBE_RESOURCES.namespace, 'reports');
    assert.deepEqual(
      nsAfter?.metadata.annotations,
      nsBefore?.metadata.annotations,
    );
    assert.deepEqual(nsAfter?.metadata.labels, nsBefore?.metadata.labels);
  });

  it('onboards an Istio namespace with STRICT refused without an entity only as a warning', async () => {
    const out = await onboard({
      cluster: 'cloud',
      namespace: 'jobs',
      mesh: 'istio',
      mtlsMode: 'permissive',
      defaultPolicy: 'allow-same-namespace',
    });
    assert.deepEqual(
      out.changes.map((c: any) => `${c.action} ${c.kind} ${c.name}`),
      [
        'apply PeerAuthentication default',
        'apply AuthorizationPolicy meshlens-default',
        'apply NetworkPolicy meshlens-default',
        'patch Namespace jobs',
      ],
    );
    const ns = await get('cloud', KUBE_RESOURCES.namespace, 'jobs');
    assert.equal(ns?.metadata.labels?.['istio-injection'], 'enabled');
    const pa = await get(
      'cloud',
      KUBE_RESOURCES.istioPeerAuthentication,
      'default',
      'jobs',
    );
    assert.deepEqual(pa?.spec, { mtls: { mode: 'PERMISSIVE' } });
  });

  it("sent only requests deploy/rbac.yaml's onboarding ClusterRole allows, and none for a Secret", () => {
    assertReplayAllowed(
      requests,
      [ONBOARDING_ROLE],
      ['patch /namespaces', 'create coordination.k8s.io/leases'],
    );
  });
});

describe('the "Mesh my service" template through the scaffolder, with the mesh backend', () => {
  let demo: DemoCluster;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let baseUrl: string;
  const headers = {
    Authorization: mockCredentials.user.header('user:default/guest'),
    'Content-Type': 'application/json',
  };

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        throw new Error(`${what} not reached after ${timeoutMs} ms`);
      }
      await new Promise(r => setTimeout(r, 250));
    }
  }

  const clusterWrites: string[] = [];
  const requests: RequestRecord[] = [];
  /** The GitOps repository the pull-request path fetches its ADRs from. */
  const gitops = mkdtempSync(join(tmpdir(), 'meshlens-gitops-'));
  mkdirSync(join(gitops, 'docs/adrs'), { recursive: true });
  writeFileSync(
    join(gitops, 'docs/adrs/0007-use-flux-for-delivery.md'),
    '# 7. Use Flux for delivery\n',
  );
  const pullRequests: PullRequestSeen[] = [];
  /** The writes that are not dry runs, with their query. */
  const committedWrites: string[] = [];
  /** Runs once, right after the first write sent with dryRun=All. */
  let afterFirstDryRun: (() => void) | undefined;
  const values = {
    entityRef: 'component:default/legacy-reports',
    target: { cluster: 'homelab', namespace: 'reports' },
    mesh: 'linkerd',
    mtlsMode: 'permissive',
    defaultPolicy: 'none',
    restartWorkloads: true,
    multiCluster: false,
    memoryBudgetMiB: 32,
    delivery: 'apply',
  };

  async function namespaceAnnotation(): Promise<string | undefined> {
    const ns = await new KubernetesClient({
      baseUrl: demo.apiUrls.homelab,
      headers: async () => ({ Authorization: 'Bearer demo-homelab-token' }),
    }).get(KUBE_RESOURCES.namespace, 'reports');
    return ns?.metadata.annotations?.['linkerd.io/inject'];
  }

  async function meshStatus(): Promise<any> {
    const res = await fetch(
      `${baseUrl}/api/mesh/v1/entities/component/default/legacy-reports`,
      { headers },
    );
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  }

  // One in-memory SQLite per plugin that this test closes itself: Backstage
  // never closes SQLite pools, and their reaping timers would keep the test
  // process alive without jest's teardown.
  const databases: Knex[] = [];
  const databaseFactory = createServiceFactory({
    service: coreServices.database,
    deps: {},
    async factory() {
      let client: Promise<Knex> | undefined;
      return {
        getClient() {
          client ??= Promise.resolve().then(() => {
            const knex = knexFactory({
              client: 'better-sqlite3',
              connection: ':memory:',
              useNullAsDefault: true,
              pool: { min: 1, max: 1 },
            });
            databases.push(knex);
            return knex;
          });
          return client;
        },
      };
    },
  });

  before(async () => {
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0 },
      prometheus: false,
      // The backend's tokens are deploy/rbac.yaml's service account.
      rbac: deployRbacMode('demo-homelab-token', 'demo-cloud-token'),
      onRequest: (cluster, r) => {
        requests.push(r);
        if (!['get', 'list', 'watch'].includes(r.verb)) {
          clusterWrites.push(`${cluster} ${r.method} ${r.path}`);
          const dryRun = new URLSearchParams(r.query).get('dryRun') === 'All';
          if (!dryRun) committedWrites.push(`${cluster} ${r.method} ${r.path}`);
          if (dryRun && afterFirstDryRun) {
            const hook = afterFirstDryRun;
            afterFirstDryRun = undefined;
            hook();
          }
        }
      },
    });
    const cluster = (name: 'homelab' | 'cloud') => ({
      name,
      url: demo.apiUrls[name],
      authProvider: 'serviceAccount',
      serviceAccountToken: `demo-${name}-token`,
      skipTLSVerify: true,
      skipMetricsLookup: true,
    });
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-catalog-backend'),
        import(
          '@backstage/plugin-catalog-backend-module-scaffolder-entity-model'
        ),
        import('@backstage/plugin-scaffolder-backend'),
        import('@backstage/plugin-kubernetes-backend'),
        scaffolderModuleMesh,
        meshPlugin,
        databaseFactory,
        localGitOpsRepoFactory({
          owner: 'acme',
          repo: 'gitops',
          branch: 'main',
          root: gitops,
        }),
        publishPullRequestDouble(pullRequests),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
            },
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'Template', 'Location'] },
              ],
              locations: [
                {
                  type: 'file',
                  target: resolve(REPO_ROOT, 'examples/entities.yaml'),
                },
                {
                  type: 'file',
                  target: resolve(
                    REPO_ROOT,
                    'plugins/scaffolder-backend-module-mesh/templates/mesh-my-service/template.yaml',
                  ),
                },
              ],
            },
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [cluster('homelab'), cluster('cloud')],
                },
              ],
            },
            mesh: {
              clusters: [{ name: 'homelab' }, { name: 'cloud' }],
              cacheTtlSeconds: 0,
              onboarding: {
                rolloutTimeoutSeconds: 20,
                rolloutPollIntervalSeconds: 0.2,
              },
            },
          },
        }),
      ],
    });
    baseUrl = `http://localhost:${backend.server.port()}`;
    await waitFor(
      'the template in the catalog',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/template/default/mesh-my-service`,
          { headers },
        );
        return res.status === 200 ? true : undefined;
      },
      60_000,
    );
  });

  after(async () => {
    await backend?.stop();
    await demo?.stop();
    await Promise.all(databases.map(db => db.destroy()));
    rmSync(gitops, { recursive: true, force: true });
  });

  async function runTask(taskValues: Record<string, unknown>) {
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        templateRef: 'template:default/mesh-my-service',
        values: taskValues,
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = await res.json();
    const task = await waitFor(
      'the task to finish',
      async () => {
        const t = await (
          await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}`, { headers })
        ).json();
        return ['completed', 'failed', 'cancelled'].includes(t.status)
          ? t
          : undefined;
      },
      90_000,
    );
    const events = await (
      await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}/events`, {
        headers,
      })
    ).json();
    return { task, events };
  }

  it("refuses to onboard another team's namespace for one's own component, before any write", async () => {
    clusterWrites.length = 0;
    const { task, events } = await runTask({
      ...values,
      // legacy-reports runs in homelab/reports; payments is payments-team's.
      target: { cluster: 'homelab', namespace: 'payments' },
      defaultPolicy: 'deny',
    });
    const log = events.map((e: any) => e.body?.message ?? '').join('\n');
    assert.equal(task.status, 'failed', log);
    assert.match(
      log,
      /homelab\/payments is not where component:default\/legacy-reports runs; its Kubernetes annotations resolve to homelab\/reports/,
    );
    assert.deepEqual(clusterWrites, []);
  });

  /** The template, run with the scaffolder's dry-run API. */
  async function dryRun(dryRunValues: Record<string, unknown>) {
    const template = parseYaml(
      readFileSync(
        resolve(
          REPO_ROOT,
          'plugins/scaffolder-backend-module-mesh/templates/mesh-my-service/template.yaml',
        ),
        'utf8',
      ),
    );
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        template,
        values: dryRunValues,
        secrets: {},
        directoryContents: [],
      }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }

  it('shows the change set in a dry run of the template and changes nothing', async () => {
    assert.equal(await namespaceAnnotation(), undefined);
    const body = await dryRun(values);
    const changeSet = body.output.text.find(
      (t: any) => t.title === 'Change set',
    );
    assert.match(
      changeSet.content,
      /Dry run: \d+ change\(s\) would be made to homelab\/reports:\n- Namespace reports: annotation linkerd.io\/inject=enabled\n- Restart Deployment reports\//,
    );
    const adr = body.output.text.find((t: any) => t.title.startsWith('ADR 1 '));
    assert.match(adr.content, /# Use Linkerd for legacy-reports/);
    // The cost factor the pre-flight checks read: measured, then estimated.
    assert.match(
      adr.content,
      /## Cost\n\nMeasured for component:default\/legacy-reports by Meshlens over 5m/,
    );
    assert.match(
      adr.content,
      /### Estimated alternatives \(not measured\)[\s\S]*\* Linkerd \\\(sidecar\\\): (not estimated \(no published figure or input\)|[\d.]+m CPU to [\d.]+m CPU), [\d.]+ MiB to [\d.]+ MiB\. Sources: /,
    );
    assertPreviewShown(body.output);
    assert.equal(await namespaceAnnotation(), undefined);
  });

  it('renders the manifests and the ADR for a pull request up to the publish step, in a dry run without the network', async () => {
    const before = committedWrites.length;
    const body = await dryRun({
      ...values,
      delivery: 'pull-request',
      repoUrl: 'github.com?owner=acme&repo=gitops',
      targetBranch: 'main',
      adrDirectory: 'docs/adrs',
    });
    assert.equal(pullRequests.length, 1, JSON.stringify(body.log?.slice(-5)));
    const [pr] = pullRequests;
    assert.deepEqual(
      {
        repoUrl: pr.input.repoUrl,
        branchName: pr.input.branchName,
        targetBranchName: pr.input.targetBranchName,
        title: pr.input.title,
      },
      {
        repoUrl: 'github.com?owner=acme&repo=gitops',
        branchName: 'meshlens/onboard-reports-linkerd',
        targetBranchName: 'main',
        title: 'Mesh: put legacy-reports into linkerd',
      },
    );
    // The ADR is numbered after those fetched from the repository.
    const adr = pr.files.find(f => /^docs\/adrs\/0008-.*\.md$/.test(f));
    assert.ok(adr, pr.files.join('\n'));
    assert.ok(pr.files.includes('docs/adrs/0007-use-flux-for-delivery.md'));
    const manifests = pr.files.filter(f =>
      f.startsWith('mesh/homelab/reports/'),
    );
    assert.ok(manifests.length > 0, pr.files.join('\n'));
    assert.match(
      String(pr.input.description),
      /Wrote \d+ manifest files for homelab\/reports \(linkerd\); the cluster was not changed\./,
    );
    assert.ok(
      String(pr.input.description).includes(`Decision record: \`${adr}\``),
    );
    assert.deepEqual(
      body.output.links.filter((l: any) => l.title.startsWith('Pull request')),
      [
        {
          title: 'Pull request (manifests and ADR)',
          url: 'https://github.com/acme/gitops/pull/1',
        },
      ],
    );
    assert.deepEqual(committedWrites.slice(before), []);
    assert.equal(await namespaceAnnotation(), undefined);
  });

  /** The task output shows the API server's dry-run answer per object. */
  function assertPreviewShown(output: any) {
    const preview = output.text.find((t: any) => t.title.startsWith('Preview'));
    assert.ok(preview, JSON.stringify(output.text.map((t: any) => t.title)));
    assert.match(
      preview.content,
      /^- Namespace reports: annotation linkerd.io\/inject=enabled: \*\*ok\*\*, the API server accepts it \(dry run\)\n- Restart Deployment reports\/.*: \*\*ok\*\*, the API server accepts it \(dry run\)\n/,
    );
    assert.match(preview.content, /\nPlan `sha256:[0-9a-f]{64}`\n$/);
  }

  it('applies only the plan it previewed: a cluster changed after the preview stops the apply before any write', async () => {
    committedWrites.length = 0;
    // Another tool annotates the namespace while the preview runs, so the
    // plan the apply step reads under its Lease is not the one previewed.
    afterFirstDryRun = () => {
      const store = demo.clusters.homelab.state.store;
      const type = findResource('', 'v1', 'namespaces')!;
      const ns = store.get(type, undefined, 'reports')!;
      ns.metadata.annotations = {
        ...ns.metadata.annotations,
        'example.com/touched-by': 'another-tool',
      };
      store.put(type, ns);
    };
    const { task, events } = await runTask(values);
    const log = events.map((e: any) => e.body?.message ?? '').join('\n');
    assert.equal(afterFirstDryRun, undefined, 'the preview sent no dry run');
    assert.equal(task.status, 'failed', log);
    assert.match(
      log,
      /The cluster changed since the preview: the plan previewed \(sha256:[0-9a-f]{64}\) is not the plan now \(sha256:[0-9a-f]{64}\); nothing was changed/,
    );
    // Only the apply step's Lease was written (taken, then released).
    assert.deepEqual(
      committedWrites.filter(w => !w.includes('/leases')),
      [],
    );
    assert.ok(committedWrites.length > 0, 'the apply step took no Lease');
    assert.equal(await namespaceAnnotation(), undefined);
  });

  it('onboards the namespace for real, after which the mesh backend reports it enrolled', async () => {
    const before = await meshStatus();
    assert.notEqual(before.clusters[0]?.injection.namespace, 'enabled');

    const { task, events } = await runTask(values);
    assert.equal(
      task.status,
      'completed',
      events.map((e: any) => e.body?.message).join('\n'),
    );
    assert.equal(await namespaceAnnotation(), 'enabled');
    const completion = events.find((e: any) => e.type === 'completion');
    assert.deepEqual(completion?.body?.output?.links?.[0], {
      title: 'Mesh tab of the component',
      icon: 'catalog',
      url: '/catalog/default/component/legacy-reports/mesh',
    });
    assertPreviewShown(completion.body.output);

    const status = await meshStatus();
    const reports = status.clusters.find(
      (c: any) => c.cluster === 'homelab' && c.namespace === 'reports',
    );
    assert.equal(reports?.mesh, 'linkerd', JSON.stringify(status.clusters));
    assert.equal(reports.injection.namespace, 'enabled');
    const pods = reports.workloads.reduce((n: number, w: any) => n + w.pods, 0);
    const meshed = reports.workloads.reduce(
      (n: number, w: any) => n + w.meshedPods,
      0,
    );
    assert.ok(pods > 0);
    assert.equal(meshed, pods);
  });

  it("sent only requests deploy/rbac.yaml's reader and onboarding ClusterRoles allow", () => {
    // The mesh backend's reads and the action's writes share the cluster's
    // service account, as they do with the Kubernetes plugin's config.
    assertReplayAllowed(
      requests,
      ['meshlens-reader', ONBOARDING_ROLE],
      ['patch apps/deployments', 'list /pods'],
    );
  });
});
