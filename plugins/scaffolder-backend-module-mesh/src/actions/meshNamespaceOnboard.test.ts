import { LoggerService } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FakeKubernetes } from '../__testUtils__/fakeKubernetes';
import {
  ciliumControlPlane,
  deployment,
  istioControlPlane,
  linkerdControlPlane,
  namespace,
  pod,
  service,
} from '../__testUtils__/fixtures';
import {
  actionOptions,
  DEFAULT_ENTITY_REF,
  entityAt,
  fakeCluster,
  statusWith,
} from '../__testUtils__/setup';
import { createMeshNamespaceOnboardAction } from './meshNamespaceOnboard';

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const FM = '?fieldManager=meshlens';
const MANAGED = { 'app.kubernetes.io/managed-by': 'meshlens' };

describe('mesh:namespace:onboard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let fake: FakeKubernetes;

  beforeEach(() => {
    fake = fakeCluster(server);
  });

  function run(
    input: Record<string, unknown>,
    options: Parameters<typeof actionOptions>[0] & {
      isDryRun?: boolean;
      workspacePath?: string;
      logger?: LoggerService;
    } = {},
  ) {
    // Unless a test says otherwise, the entity runs where the input points.
    const scoped = { entityRef: DEFAULT_ENTITY_REF, ...input };
    const action = createMeshNamespaceOnboardAction(
      actionOptions({
        entities: [entityAt(scoped.entityRef, input.cluster, input.namespace)],
        ...options,
      }),
    );
    const ctx = {
      ...createMockActionContext({
        input: scoped as any,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.workspacePath
          ? { workspacePath: options.workspacePath }
          : {}),
      }),
      // createMockActionContext leaves isDryRun out.
      isDryRun: options.isDryRun,
    };
    return { ctx, done: action.handler(ctx as any) };
  }

  function outputs(ctx: { output: unknown }): Record<string, any> {
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]: [string, unknown]) => [
        k,
        v,
      ]),
    );
  }

  const LEASE = '/apis/coordination.k8s.io/v1/namespaces/';
  const isDryRun = (p: string) => p.includes('dryRun=All');
  const requestsOf = (keep: (p: string) => boolean) =>
    fake
      .mutations()
      .filter(r => keep(r.path))
      .map(({ method, path: p, contentType, body }) => ({
        method,
        path: p,
        contentType,
        body,
      }));
  /** The writes of the plan: no dry run, no Lease. */
  const writes = () => requestsOf(p => !isDryRun(p) && !p.startsWith(LEASE));
  const dryRuns = () => requestsOf(isDryRun);
  const leaseRequests = () => requestsOf(p => p.startsWith(LEASE));

  describe('Linkerd', () => {
    beforeEach(() => {
      fake.add(
        'homelab',
        ...linkerdControlPlane(),
        namespace('sensors'),
        service('sensors', 'sensor-gateway', 80, 8080),
        service('sensors', 'sensor-metrics', 9100, 9100),
      );
    });

    it('annotates the namespace (never a label) through the proxy, as the initiator', async () => {
      const { ctx, done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
      });
      await done;

      expect(writes()).toEqual([
        {
          method: 'PATCH',
          path: `/api/v1/namespaces/sensors${FM}`,
          contentType: MERGE,
          body: {
            metadata: {
              resourceVersion: expect.any(String),
              annotations: { 'linkerd.io/inject': 'enabled' },
            },
          },
        },
      ]);
      for (const r of fake.requests) {
        expect(r.cluster).toBe('homelab');
        expect(r.authorization).toMatch(
          /^Bearer mock-service-token:.*"target":"kubernetes"/,
        );
        expect(r.authorization).toContain('"obo":"user:default/mock"');
      }
      const out = outputs(ctx);
      expect(out.changes).toEqual([
        expect.objectContaining({
          action: 'patch',
          kind: 'Namespace',
          name: 'sensors',
          description:
            'Namespace sensors: annotation linkerd.io/inject=enabled',
        }),
      ]);
      expect(out.manifests).toEqual([]);
      expect(out.summary).toMatch(/^Applied 1 change\(s\) to homelab\/sensors/);
      expect(
        fake.get('homelab', '/api/v1/namespaces/sensors').metadata.labels,
      ).toEqual({
        'kubernetes.io/metadata.name': 'sensors',
      });
    });

    it('writes Server, MeshTLSAuthentication, AuthorizationPolicy and NetworkPolicy for a same-namespace policy', async () => {
      const { done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        mtlsMode: 'permissive',
        defaultPolicy: 'allow-same-namespace',
        allowFrom: ['storefront'],
      });
      await done;

      const base = '/apis/policy.linkerd.io';
      expect(writes()).toEqual([
        {
          method: 'PATCH',
          path: `${base}/v1beta3/namespaces/sensors/servers/meshlens-port-8080${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'policy.linkerd.io/v1beta3',
            kind: 'Server',
            metadata: {
              name: 'meshlens-port-8080',
              namespace: 'sensors',
              labels: MANAGED,
            },
            spec: { podSelector: {}, port: 8080 },
          },
        },
        {
          method: 'PATCH',
          path: `${base}/v1beta3/namespaces/sensors/servers/meshlens-port-9100${FM}`,
          contentType: APPLY,
          body: expect.objectContaining({
            spec: { podSelector: {}, port: 9100 },
          }),
        },
        {
          method: 'PATCH',
          path: `${base}/v1alpha1/namespaces/sensors/meshtlsauthentications/meshlens-default${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'policy.linkerd.io/v1alpha1',
            kind: 'MeshTLSAuthentication',
            metadata: {
              name: 'meshlens-default',
              namespace: 'sensors',
              labels: MANAGED,
            },
            spec: {
              identities: [
                '*.sensors.serviceaccount.identity.linkerd.cluster.local',
                '*.storefront.serviceaccount.identity.linkerd.cluster.local',
              ],
            },
          },
        },
        {
          method: 'PATCH',
          path: `${base}/v1alpha1/namespaces/sensors/authorizationpolicies/meshlens-default${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'policy.linkerd.io/v1alpha1',
            kind: 'AuthorizationPolicy',
            metadata: {
              name: 'meshlens-default',
              namespace: 'sensors',
              labels: MANAGED,
            },
            spec: {
              targetRef: { kind: 'Namespace', name: 'sensors' },
              requiredAuthenticationRefs: [
                {
                  group: 'policy.linkerd.io',
                  kind: 'MeshTLSAuthentication',
                  name: 'meshlens-default',
                },
              ],
            },
          },
        },
        {
          method: 'PATCH',
          path: `/apis/networking.k8s.io/v1/namespaces/sensors/networkpolicies/meshlens-default${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: {
              name: 'meshlens-default',
              namespace: 'sensors',
              labels: MANAGED,
            },
            spec: {
              podSelector: {},
              policyTypes: ['Ingress'],
              ingress: [
                {
                  from: [
                    { podSelector: {} },
                    {
                      namespaceSelector: {
                        matchLabels: {
                          'kubernetes.io/metadata.name': 'storefront',
                        },
                      },
                    },
                  ],
                },
                { ports: [{ protocol: 'TCP', port: 4191 }] },
              ],
            },
          },
        },
        {
          method: 'PATCH',
          path: `/api/v1/namespaces/sensors${FM}`,
          contentType: MERGE,
          body: {
            metadata: {
              resourceVersion: expect.any(String),
              annotations: {
                'linkerd.io/inject': 'enabled',
                'config.linkerd.io/default-inbound-policy': 'deny',
              },
            },
          },
        },
      ]);
    });

    it('uses all-authenticated for STRICT without a policy', async () => {
      const { done } = run(
        {
          cluster: 'homelab',
          namespace: 'sensors',
          mesh: 'linkerd',
          mtlsMode: 'strict',
          entityRef: 'component:default/sensor-gateway',
        },
        {
          status: statusWith(
            'homelab',
            'sensors',
            [{ from: 'storefront/web', mtls: true }],
            1,
          ),
        },
      );
      await done;
      expect(writes()).toEqual([
        expect.objectContaining({
          body: {
            metadata: {
              resourceVersion: expect.any(String),
              annotations: {
                'linkerd.io/inject': 'enabled',
                'config.linkerd.io/default-inbound-policy': 'all-authenticated',
              },
            },
          },
        }),
      ]);
    });

    it('refuses STRICT while a caller without a proxy sends traffic, and changes nothing', async () => {
      const { done } = run(
        {
          cluster: 'homelab',
          namespace: 'sensors',
          mesh: 'linkerd',
          mtlsMode: 'strict',
          entityRef: 'component:default/sensor-gateway',
        },
        {
          status: statusWith(
            'homelab',
            'sensors',
            [
              { from: 'storefront/web', mtls: true },
              { from: 'reports/legacy-reports', mtls: false },
            ],
            0.8,
          ),
        },
      );
      await expect(done).rejects.toThrow(
        /mtlsMode: STRICT would refuse traffic .*reports\/legacy-reports → sensors.*80% encrypted/,
      );
      expect(fake.mutations()).toEqual([]);
    });

    it('sends nothing that changes the cluster in a dry run, and outputs the change set', async () => {
      const { ctx, done } = run(
        {
          cluster: 'homelab',
          namespace: 'sensors',
          mesh: 'linkerd',
          defaultPolicy: 'deny',
          allowFrom: ['storefront'],
        },
        { isDryRun: true },
      );
      await done;
      // Only dry runs: every write sent once with dryRun=All, no Lease.
      expect(writes()).toEqual([]);
      expect(leaseRequests()).toEqual([]);
      expect(dryRuns()).toHaveLength(6);
      const out = outputs(ctx);
      expect(out.preview.map((p: any) => `${p.kind} ${p.result}`)).toEqual([
        'Server ok',
        'Server ok',
        'MeshTLSAuthentication ok',
        'AuthorizationPolicy ok',
        'NetworkPolicy ok',
        'Namespace ok',
      ]);
      expect(out.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(
        out.changes.map((c: any) => `${c.action} ${c.kind} ${c.name}`),
      ).toEqual([
        'apply Server meshlens-port-8080',
        'apply Server meshlens-port-9100',
        'apply MeshTLSAuthentication meshlens-default',
        'apply AuthorizationPolicy meshlens-default',
        'apply NetworkPolicy meshlens-default',
        'patch Namespace sensors',
      ]);
      expect(out.summary).toMatch(/^Dry run: 6 change\(s\) would be made/);
    });

    it('also computes without changing anything when asked with dryRun: true', async () => {
      const { ctx, done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        dryRun: true,
      });
      await done;
      expect(writes()).toEqual([]);
      expect(dryRuns()).toHaveLength(1);
      expect(outputs(ctx).changes).toHaveLength(1);
    });

    it('rolls back the first two writes when the third fails, and names the step', async () => {
      const before = fake.snapshot('homelab');
      // Write 1 is the Lease; the plan's third write is the fourth.
      fake.failWrite(4);
      const { done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        defaultPolicy: 'allow-same-namespace',
      });
      await expect(done).rejects.toThrow(
        'Step "Create MeshTLSAuthentication sensors/meshlens-default" failed: Request failed with 500 Internal Server Error: injected failure of write 4 (a 5xx or lost reply: it may have been applied, so it is undone if it is there). Rolled back: Create Server sensors/meshlens-port-9100; Create Server sensors/meshlens-port-8080.',
      );
      expect(writes().map(w => `${w.method} ${w.path}`)).toEqual([
        `PATCH /apis/policy.linkerd.io/v1beta3/namespaces/sensors/servers/meshlens-port-8080${FM}`,
        `PATCH /apis/policy.linkerd.io/v1beta3/namespaces/sensors/servers/meshlens-port-9100${FM}`,
        `PATCH /apis/policy.linkerd.io/v1alpha1/namespaces/sensors/meshtlsauthentications/meshlens-default${FM}`,
        `DELETE /apis/policy.linkerd.io/v1beta3/namespaces/sensors/servers/meshlens-port-9100${FM}`,
        `DELETE /apis/policy.linkerd.io/v1beta3/namespaces/sensors/servers/meshlens-port-8080${FM}`,
      ]);
      // The Lease is gone too: the cluster is as it was.
      expect(fake.snapshot('homelab')).toEqual(before);
    });

    it('does not delete an object somebody re-created after onboarding created it', async () => {
      const serverPath =
        '/apis/policy.linkerd.io/v1beta3/namespaces/sensors/servers/meshlens-port-8080';
      // Write 1 is the Lease.
      fake.failWrite(4);
      let writesSeen = 0;
      fake.onWrite = cluster => {
        if (++writesSeen !== 2) return;
        // Between onboarding's writes, another tool deletes and re-creates
        // the Server: same name, a new object.
        const theirs = fake.get(cluster, serverPath);
        fake.put(cluster, serverPath, {
          ...theirs,
          metadata: { ...theirs.metadata, uid: 'someone-else' },
        });
      };
      const { ctx, done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        defaultPolicy: 'allow-same-namespace',
      });
      await expect(done).rejects.toThrow(
        /Rolled back: Create Server sensors\/meshlens-port-9100\. Could NOT roll back Server meshlens-port-8080 \(Create Server sensors\/meshlens-port-8080: re-created by someone else since \(uid someone-else, not uid-\d+\); left as it is\)\. Finish by hand: kubectl -n sensors delete servers\.policy\.linkerd\.io meshlens-port-8080$/,
      );
      expect(fake.get('homelab', serverPath)?.metadata.uid).toBe(
        'someone-else',
      );
      expect(writes().filter(w => w.method === 'DELETE')).toEqual([
        expect.objectContaining({
          path: `/apis/policy.linkerd.io/v1beta3/namespaces/sensors/servers/meshlens-port-9100${FM}`,
        }),
      ]);
      expect(outputs(ctx).leftovers).toEqual([
        {
          kind: 'Server',
          name: 'meshlens-port-8080',
          namespace: 'sensors',
          state: expect.stringContaining('re-created by someone else'),
          commands: [
            'kubectl -n sensors delete servers.policy.linkerd.io meshlens-port-8080',
          ],
        },
      ]);
    });

    it('puts the namespace and changed objects back exactly as they were when a later step fails', async () => {
      const nsPath = '/api/v1/namespaces/sensors';
      fake.add(
        'homelab',
        namespace('sensors', {
          labels: { team: 'edge' },
          annotations: { 'linkerd.io/inject': 'disabled', owner: 'edge-team' },
        }),
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: {
            name: 'meshlens-default',
            namespace: 'sensors',
            labels: { custom: 'yes' },
          },
          spec: {
            podSelector: { matchLabels: { app: 'x' } },
            policyTypes: ['Ingress'],
            ingress: [],
          },
        },
        deployment('sensors', 'sensor-gateway'),
        pod('sensors', 'sensor-gateway-1', 'sensor-gateway'),
      );
      const before = fake.snapshot('homelab');
      // Writes: the Lease, NetworkPolicy, Namespace, then the restart of the Deployment fails.
      fake.failWrite(4, 503);
      const { done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        defaultPolicy: 'deny',
        restartWorkloads: true,
      });
      await expect(done).rejects.toThrow(
        /^Step "Restart Deployment sensors\/sensor-gateway so its pods get the linkerd data plane" failed: .*503.*Rolled back: Namespace sensors: annotation linkerd.io\/inject=enabled, annotation config.linkerd.io\/default-inbound-policy=deny; Update NetworkPolicy sensors\/meshlens-default\.$/,
      );
      const rollback = writes().slice(3);
      expect(rollback[0]).toEqual({
        method: 'PATCH',
        path: `${nsPath}${FM}`,
        contentType: MERGE,
        body: {
          metadata: {
            resourceVersion: expect.any(String),
            annotations: {
              'linkerd.io/inject': 'disabled',
              'config.linkerd.io/default-inbound-policy': null,
            },
          },
        },
      });
      expect(rollback[1]).toMatchObject({
        method: 'PUT',
        path: `/apis/networking.k8s.io/v1/namespaces/sensors/networkpolicies/meshlens-default${FM}`,
        contentType: 'application/json',
      });
      expect(rollback).toHaveLength(2);
      expect(fake.snapshot('homelab')).toEqual(before);
    });

    it('changes nothing on a second run with the same input, and says so', async () => {
      const input = {
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        defaultPolicy: 'allow-same-namespace',
        allowFrom: ['storefront'],
      };
      await run(input).done;
      expect(writes()).toHaveLength(6);
      const firstRequests = fake.mutations().length;

      const second = run(input);
      await second.done;
      // No dry run, no Lease, no write.
      expect(fake.mutations()).toHaveLength(firstRequests);
      const out = outputs(second.ctx);
      expect(out.changes).toEqual([]);
      expect(out.summary).toMatch(
        /^Nothing to change: homelab\/sensors is already onboarded to linkerd as requested/,
      );
    });

    it('hashes an empty preview too, so an apply after it stops when changes appeared in between', async () => {
      const input = {
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
      };
      await run(input).done;
      const preview = run(input, { isDryRun: true });
      await preview.done;
      const { planHash, changes } = outputs(preview.ctx);
      expect(changes).toEqual([]);
      expect(planHash).toMatch(/^sha256:[0-9a-f]{64}$/);

      // Someone takes the namespace out of the mesh after the preview.
      fake.put('homelab', '/api/v1/namespaces/sensors', namespace('sensors'));
      const before = fake.snapshot('homelab');
      const written = writes().length;
      await expect(run({ ...input, planHash }).done).rejects.toThrow(
        /^The cluster changed since the preview: the plan previewed \(sha256:[0-9a-f]{64}\) is not the plan now .*nothing was changed\. Preview again, then apply\. The plan now:\n- Namespace sensors: annotation linkerd\.io\/inject=enabled$/s,
      );
      expect(writes()).toHaveLength(written);
      expect(fake.snapshot('homelab')).toEqual(before);
    });

    it('restarts the workloads without a proxy and waits until meshed pods = pods', async () => {
      fake.add(
        'homelab',
        deployment('sensors', 'sensor-gateway'),
        deployment('sensors', 'already-meshed'),
        deployment('sensors', 'opted-out', true, {
          annotations: { 'linkerd.io/inject': 'disabled' },
        }),
        pod('sensors', 'sensor-gateway-1', 'sensor-gateway'),
        pod('sensors', 'sensor-gateway-2', 'sensor-gateway'),
        pod('sensors', 'already-meshed-1', 'already-meshed', {
          labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
        }),
        pod('sensors', 'opted-out-1', 'opted-out', {
          annotations: { 'linkerd.io/inject': 'disabled' },
        }),
      );
      // Plays the Deployment controller and the injector: a restart replaces the pods with meshed ones.
      fake.onWrite = (cluster, p, obj) => {
        if (!obj || !p.includes('/deployments/')) return;
        if (
          !obj.spec.template.metadata.annotations?.[
            'kubectl.kubernetes.io/restartedAt'
          ]
        )
          return;
        const app = obj.metadata.name;
        for (const n of [1, 2])
          fake.remove(cluster, `/api/v1/namespaces/sensors/pods/${app}-${n}`);
        fake.add(
          cluster,
          pod('sensors', `${app}-new`, app, {
            labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
          }),
        );
      };
      const { ctx, done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        restartWorkloads: true,
      });
      await done;
      const restarts = writes().filter(w => w.path.includes('/deployments/'));
      expect(restarts).toEqual([
        {
          method: 'PATCH',
          path: `/apis/apps/v1/namespaces/sensors/deployments/sensor-gateway${FM}`,
          contentType: MERGE,
          body: {
            metadata: { resourceVersion: expect.any(String) },
            spec: {
              template: {
                metadata: {
                  annotations: {
                    'kubectl.kubernetes.io/restartedAt':
                      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
                  },
                },
              },
            },
          },
        },
      ]);
      expect(outputs(ctx).rollout).toEqual({
        pods: 2,
        meshedPods: 2,
        complete: true,
      });
      expect(outputs(ctx).summary).toContain(
        'All 2 pod(s) run with the linkerd data plane.',
      );
    });

    it('needs the onboard permission to apply, and sends no write without it', async () => {
      const { done } = run(
        { cluster: 'homelab', namespace: 'sensors', mesh: 'linkerd' },
        { permission: AuthorizeResult.DENY },
      );
      await expect(done).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('mesh.namespace.onboard'),
      });
      expect(fake.mutations()).toEqual([]);
    });

    it('writes manifests into the workspace and changes nothing in the cluster', async () => {
      const workspace = createMockDirectory();
      const { ctx, done } = run(
        {
          cluster: 'homelab',
          namespace: 'sensors',
          mesh: 'linkerd',
          defaultPolicy: 'deny',
          allowFrom: ['storefront'],
          restartWorkloads: true,
          delivery: 'manifests',
        },
        { workspacePath: workspace.path, permission: AuthorizeResult.DENY },
      );
      await done;
      expect(fake.mutations()).toEqual([]);
      const out = outputs(ctx);
      const dir = 'mesh/homelab/sensors';
      expect(out.manifests).toEqual([
        `${dir}/namespace.yaml`,
        `${dir}/server-meshlens-port-8080.yaml`,
        `${dir}/server-meshlens-port-9100.yaml`,
        `${dir}/meshtlsauthentication-meshlens-default.yaml`,
        `${dir}/authorizationpolicy-meshlens-default.yaml`,
        `${dir}/networkpolicy-meshlens-default.yaml`,
        `${dir}/kustomization.yaml`,
      ]);
      const read = (f: string) =>
        parseYaml(fs.readFileSync(path.join(workspace.path, f), 'utf8'));
      expect(read(`${dir}/namespace.yaml`)).toEqual({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'sensors',
          annotations: {
            'linkerd.io/inject': 'enabled',
            'config.linkerd.io/default-inbound-policy': 'deny',
          },
        },
      });
      expect(
        read(`${dir}/meshtlsauthentication-meshlens-default.yaml`).spec,
      ).toEqual({
        identities: [
          '*.storefront.serviceaccount.identity.linkerd.cluster.local',
        ],
      });
      expect(read(`${dir}/kustomization.yaml`).resources).toEqual(
        out.manifests.slice(0, -1).map((m: string) => path.basename(m)),
      );
      expect(out.summary).toMatch(/the cluster was not changed/);
    });
  });

  describe('Istio', () => {
    beforeEach(() => {
      fake.add(
        'cloud',
        ...istioControlPlane(true),
        namespace('orders'),
        namespace('inventory'),
      );
    });

    it('labels istio-injection, sets PeerAuthentication STRICT and an allow-nothing policy', async () => {
      const { done } = run(
        {
          cluster: 'cloud',
          namespace: 'orders',
          mesh: 'istio',
          mtlsMode: 'strict',
          defaultPolicy: 'deny',
          entityRef: 'component:default/orders',
        },
        {
          status: statusWith(
            'cloud',
            'orders',
            [{ from: 'storefront/web', mtls: true }],
            1,
          ),
        },
      );
      await done;
      expect(writes()).toEqual([
        {
          method: 'PATCH',
          path: `/apis/security.istio.io/v1/namespaces/orders/peerauthentications/default${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'security.istio.io/v1',
            kind: 'PeerAuthentication',
            metadata: { name: 'default', namespace: 'orders', labels: MANAGED },
            spec: { mtls: { mode: 'STRICT' } },
          },
        },
        {
          method: 'PATCH',
          path: `/apis/security.istio.io/v1/namespaces/orders/authorizationpolicies/meshlens-default${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'security.istio.io/v1',
            kind: 'AuthorizationPolicy',
            metadata: {
              name: 'meshlens-default',
              namespace: 'orders',
              labels: MANAGED,
            },
            spec: {},
          },
        },
        {
          method: 'PATCH',
          path: `/apis/networking.k8s.io/v1/namespaces/orders/networkpolicies/meshlens-default${FM}`,
          contentType: APPLY,
          body: expect.objectContaining({
            spec: {
              podSelector: {},
              policyTypes: ['Ingress'],
              ingress: [
                {
                  ports: [
                    { protocol: 'TCP', port: 15020 },
                    { protocol: 'TCP', port: 15090 },
                  ],
                },
              ],
            },
          }),
        },
        {
          method: 'PATCH',
          path: `/api/v1/namespaces/orders${FM}`,
          contentType: MERGE,
          body: {
            metadata: {
              resourceVersion: expect.any(String),
              labels: { 'istio-injection': 'enabled' },
            },
          },
        },
      ]);
    });

    it('uses istio.io/rev instead of istio-injection when a revision is given, removing the other', async () => {
      fake.add(
        'cloud',
        namespace('orders', { labels: { 'istio-injection': 'enabled' } }),
      );
      const canary = deployment('istio-system', 'istiod-canary');
      canary.metadata.labels = { app: 'istiod', 'istio.io/rev': 'canary' };
      fake.add('cloud', canary);
      const { done } = run({
        cluster: 'cloud',
        namespace: 'orders',
        mesh: 'istio',
        istioRevision: 'canary',
      });
      await done;
      expect(writes().at(-1)).toEqual({
        method: 'PATCH',
        path: `/api/v1/namespaces/orders${FM}`,
        contentType: MERGE,
        body: {
          metadata: {
            resourceVersion: expect.any(String),
            labels: { 'istio.io/rev': 'canary', 'istio-injection': null },
          },
        },
      });
    });

    it('refuses a revision no istiod runs, naming the revisions found', async () => {
      fake.add('cloud', namespace('orders'));
      const { done } = run({
        cluster: 'cloud',
        namespace: 'orders',
        mesh: 'istio',
        istioRevision: 'canary',
      });
      await expect(done).rejects.toThrow(
        /\[control-plane\] The istio control plane in istio-system is not healthy: no istiod of revision canary \(label istio.io\/rev; found default\)/,
      );
      expect(fake.mutations()).toEqual([]);
    });

    it('enrols ambient with istio.io/dataplane-mode and allows only the listed namespaces', async () => {
      const { done } = run({
        cluster: 'cloud',
        namespace: 'inventory',
        mesh: 'istio-ambient',
        defaultPolicy: 'deny',
        allowFrom: ['orders'],
        restartWorkloads: false,
      });
      await done;
      expect(writes().map(w => w.body)).toEqual([
        expect.objectContaining({
          kind: 'PeerAuthentication',
          spec: { mtls: { mode: 'PERMISSIVE' } },
        }),
        expect.objectContaining({
          kind: 'AuthorizationPolicy',
          spec: {
            action: 'ALLOW',
            rules: [{ from: [{ source: { namespaces: ['orders'] } }] }],
          },
        }),
        expect.objectContaining({
          kind: 'NetworkPolicy',
          spec: {
            podSelector: {},
            policyTypes: ['Ingress'],
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: {
                      matchLabels: { 'kubernetes.io/metadata.name': 'orders' },
                    },
                  },
                ],
              },
            ],
          },
        }),
        {
          metadata: {
            resourceVersion: expect.any(String),
            labels: { 'istio.io/dataplane-mode': 'ambient' },
          },
        },
      ]);
    });

    it('takes ambient as mesh istio with dataPlane ambient, and the old istio-ambient with a deprecation warning', async () => {
      const input = {
        cluster: 'cloud',
        namespace: 'inventory',
        defaultPolicy: 'deny',
        allowFrom: ['orders'],
        dryRun: true,
      };
      const warnings: string[] = [];
      const logger = mockServices.logger.mock({
        warn: jest.fn((m: string) => {
          warnings.push(m);
        }) as any,
      });
      const current = run(
        { ...input, mesh: 'istio', dataPlane: 'ambient' },
        { logger },
      );
      await current.done;
      expect(warnings).toEqual([]);
      const old = run({ ...input, mesh: 'istio-ambient' }, { logger });
      await old.done;
      expect(outputs(old.ctx).changes).toEqual(outputs(current.ctx).changes);
      expect(outputs(current.ctx).changes).toContainEqual(
        expect.objectContaining({
          kind: 'Namespace',
          description: expect.stringContaining('istio.io/dataplane-mode'),
        }),
      );
      expect(warnings).toEqual([
        'mesh: "istio-ambient" is deprecated and will be removed in the next release; use mesh: istio with dataPlane: ambient',
      ]);
    });

    it('refuses a data plane the mesh does not offer, naming those it does', async () => {
      const { done } = run({
        cluster: 'cloud',
        namespace: 'inventory',
        mesh: 'istio',
        dataPlane: 'ebpf',
      });
      await expect(done).rejects.toThrow(
        /^dataPlane: "ebpf" is not one of sidecar, ambient \(the data planes of istio\)$/,
      );
      expect(fake.requests).toEqual([]);
    });

    it('fails when the control plane is missing, naming the mesh', async () => {
      fake.remove(
        'cloud',
        '/apis/apps/v1/namespaces/istio-system/deployments/istiod',
      );
      const { done } = run({
        cluster: 'cloud',
        namespace: 'orders',
        mesh: 'istio',
      });
      await expect(done).rejects.toThrow(
        /\[control-plane\] mesh: no istio control plane found in namespace istio-system of cloud/,
      );
      expect(fake.mutations()).toEqual([]);
    });

    it('refuses a namespace enrolled in another mesh', async () => {
      fake.add(
        'cloud',
        namespace('orders', {
          annotations: { 'linkerd.io/inject': 'enabled' },
        }),
      );
      const { done } = run({
        cluster: 'cloud',
        namespace: 'orders',
        mesh: 'istio',
      });
      await expect(done).rejects.toThrow(
        /\[namespace-markers\] namespace: the namespace is already enrolled in Linkerd/,
      );
    });
  });

  describe('Cilium', () => {
    it('requires mutual authentication in a CiliumNetworkPolicy for STRICT, without touching the namespace', async () => {
      fake.add('homelab', ...ciliumControlPlane(true), namespace('reports'));
      const { ctx, done } = run({
        cluster: 'homelab',
        namespace: 'reports',
        mesh: 'cilium',
        mtlsMode: 'strict',
      });
      await done;
      expect(writes()).toEqual([
        {
          method: 'PATCH',
          path: `/apis/cilium.io/v2/namespaces/reports/ciliumnetworkpolicies/meshlens-default${FM}`,
          contentType: APPLY,
          body: {
            apiVersion: 'cilium.io/v2',
            kind: 'CiliumNetworkPolicy',
            metadata: {
              name: 'meshlens-default',
              namespace: 'reports',
              labels: MANAGED,
            },
            spec: {
              endpointSelector: {},
              ingress: [
                {
                  fromEntities: ['cluster'],
                  authentication: { mode: 'required' },
                },
              ],
            },
          },
        },
      ]);
      // No workload yet: STRICT refuses nobody today.
      expect(outputs(ctx).checks).toContainEqual(
        expect.objectContaining({ id: 'strict-mtls-callers', status: 'pass' }),
      );
    });

    it('refuses STRICT when mutual authentication is off', async () => {
      fake.add('homelab', ...ciliumControlPlane(false), namespace('reports'));
      const { done } = run({
        cluster: 'homelab',
        namespace: 'reports',
        mesh: 'cilium',
        mtlsMode: 'strict',
      });
      await expect(done).rejects.toThrow(/mesh-auth-enabled is not "true"/);
      expect(fake.mutations()).toEqual([]);
    });
  });

  describe('bad input', () => {
    beforeEach(() => {
      fake.add('homelab', ...linkerdControlPlane(), namespace('sensors'));
    });

    it.each([
      [
        { namespace: 'Sensors_1' },
        /^namespace: "Sensors_1" is not a valid namespace name/,
      ],
      [
        { mesh: 'consul' },
        /^mesh: "consul" is not one of linkerd, istio, istio-ambient, cilium/,
      ],
      [
        { mtlsMode: 'STRICT' },
        /^mtlsMode: "STRICT" is not one of permissive, strict/,
      ],
      [
        { allowFrom: ['ok', 'Not OK'] },
        /^allowFrom\[1\]: "Not OK" is not a valid namespace name/,
      ],
      [
        { allowFrom: ['storefront'] },
        /^allowFrom: namespaces to allow only mean something with a default policy/,
      ],
      [{ ports: [70000] }, /^ports\[0\]: "70000" is neither a port number/],
      [
        { istioRevision: 'canary' },
        /^istioRevision: only applies to mesh istio/,
      ],
      [{ cluster: '' }, /^cluster: give the name of a cluster/],
    ])('rejects %j naming the field', async (override, message) => {
      const { done } = run({
        cluster: 'homelab',
        namespace: 'sensors',
        mesh: 'linkerd',
        ...override,
      });
      await expect(done).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(fake.requests).toEqual([]);
    });

    it.each([
      'kube-system',
      'linkerd',
      'linkerd-viz',
      'istio-system',
      'cert-manager',
    ])(
      'never onboards the system namespace %s, before reading anything',
      async ns => {
        const { done } = run({
          cluster: 'homelab',
          namespace: ns,
          mesh: 'linkerd',
        });
        await expect(done).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(
            new RegExp(
              `\\[namespace-not-system\\] namespace: "${ns}" is a system`,
            ),
          ),
        });
        expect(fake.requests).toEqual([]);
      },
    );

    it('refuses a namespace that does not exist', async () => {
      const { done } = run({
        cluster: 'homelab',
        namespace: 'ghost',
        mesh: 'linkerd',
      });
      await expect(done).rejects.toThrow(
        /\[namespace-exists\] namespace: "ghost" does not exist in cluster homelab/,
      );
      expect(fake.mutations()).toEqual([]);
    });
  });
});
