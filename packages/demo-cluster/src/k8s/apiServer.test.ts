/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { buildCluster, ClusterState } from '../cluster/buildCluster';
import { RunningApiServer, startApiServer } from './apiServer';

const AUTH = { Authorization: 'Bearer demo-homelab-token' };

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

describe('demo API server', () => {
  let homelab: ClusterState;
  let server: RunningApiServer;
  let cloud: ClusterState;
  let cloudServer: RunningApiServer;

  beforeAll(async () => {
    homelab = await buildCluster('homelab');
    server = await startApiServer({ store: homelab.store, port: 0 });
    cloud = await buildCluster('cloud');
    cloudServer = await startApiServer({ store: cloud.store, port: 0 });
  });

  afterAll(async () => {
    await server.close();
    await cloudServer.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    base = server.url,
    headers: Record<string, string> = AUTH,
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body !== undefined ? { 'Content-Type': contentType } : {}),
      },
      body: encodeBody(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const get = (path: string) => call('GET', path);
  const names = (list: any) =>
    list.items.map((i: any) => i.metadata.name).sort();

  describe('discovery', () => {
    it('answers /version, /api, /apis and group versions', async () => {
      expect((await get('/version')).body.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
      const api = await get('/api');
      expect(api.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      const apis = await get('/apis');
      const groups = apis.body.groups.map((g: any) => g.name);
      for (const g of [
        'apps',
        'policy.linkerd.io',
        'linkerd.io',
        'security.istio.io',
        'networking.istio.io',
        'gateway.networking.k8s.io',
        'cilium.io',
        'cert-manager.io',
        'networking.k8s.io',
        'batch',
        'autoscaling',
      ]) {
        expect(groups).toContain(g);
      }
      const policy = apis.body.groups.find(
        (g: any) => g.name === 'policy.linkerd.io',
      );
      expect(policy.preferredVersion).toEqual({
        groupVersion: 'policy.linkerd.io/v1beta3',
        version: 'v1beta3',
      });
      const core = await get('/api/v1');
      expect(core.body.kind).toBe('APIResourceList');
      expect(
        core.body.resources.find((r: any) => r.name === 'pods'),
      ).toMatchObject({ kind: 'Pod', namespaced: true, singularName: 'pod' });
      const apps = await get('/apis/apps/v1');
      expect(apps.body.resources.map((r: any) => r.name)).toEqual(
        expect.arrayContaining([
          'deployments',
          'replicasets',
          'statefulsets',
          'daemonsets',
        ]),
      );
    });

    it('lists every kind the Backstage Kubernetes backend asks for', async () => {
      for (const path of [
        '/api/v1/pods',
        '/api/v1/services',
        '/api/v1/configmaps',
        '/api/v1/limitranges',
        '/api/v1/resourcequotas',
        '/apis/apps/v1/deployments',
        '/apis/apps/v1/replicasets',
        '/apis/apps/v1/statefulsets',
        '/apis/apps/v1/daemonsets',
        '/apis/autoscaling/v2/horizontalpodautoscalers',
        '/apis/networking.k8s.io/v1/ingresses',
        '/apis/batch/v1/jobs',
        '/apis/batch/v1/cronjobs',
      ]) {
        const res = await get(
          `${path}?labelSelector=${encodeURIComponent(
            'backstage.io/kubernetes-id=storefront',
          )}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.metadata.resourceVersion).toMatch(/^\d+$/);
      }
    });
  });

  describe('authentication', () => {
    it('rejects requests without a bearer token with a 401 Status', async () => {
      const res = await call(
        'GET',
        '/api/v1/pods',
        undefined,
        undefined,
        server.url,
        {},
      );
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    });
  });

  describe('list and get', () => {
    it('lists pods across namespaces and in one namespace as a PodList', async () => {
      const all = await get('/api/v1/pods');
      expect(all.body.kind).toBe('PodList');
      expect(all.body.apiVersion).toBe('v1');
      const ns = new Set(all.body.items.map((p: any) => p.metadata.namespace));
      expect(ns).toEqual(
        new Set([
          'storefront',
          'payments',
          'shipping',
          'sensors',
          'reports',
          'linkerd',
          'kube-system',
          'cert-manager',
        ]),
      );
      const storefront = await get('/api/v1/namespaces/storefront/pods');
      expect(storefront.body.items).toHaveLength(3);
      expect(storefront.body.items[0].kind).toBeUndefined();
    });

    it('supports every label selector operator', async () => {
      const sel = async (s: string) =>
        names(
          (
            await get(
              `/api/v1/namespaces/payments/pods?labelSelector=${encodeURIComponent(
                s,
              )}`,
            )
          ).body,
        );
      const all = await sel('');
      expect(all).toHaveLength(3);
      const meshed = await sel('linkerd.io/control-plane-ns=linkerd');
      expect(meshed).toHaveLength(2);
      expect(await sel('linkerd.io/control-plane-ns==linkerd')).toEqual(meshed);
      expect(await sel('linkerd.io/control-plane-ns')).toEqual(meshed);
      const unmeshed = await sel('!linkerd.io/control-plane-ns');
      expect(unmeshed).toHaveLength(1);
      expect(unmeshed.concat(meshed).sort()).toEqual(all);
      expect(await sel('linkerd.io/control-plane-ns!=linkerd')).toEqual(
        unmeshed,
      );
      expect(
        await sel('app.kubernetes.io/name in (payments, storefront)'),
      ).toEqual(all);
      expect(await sel('app.kubernetes.io/name notin (payments)')).toEqual([]);
      expect(
        await sel(
          'app.kubernetes.io/name in (storefront),linkerd.io/control-plane-ns',
        ),
      ).toEqual([]);
      expect(
        await sel(
          'backstage.io/kubernetes-id=payments,linkerd.io/control-plane-ns',
        ),
      ).toEqual(meshed);
    });

    it('answers 400 BadRequest for a malformed selector', async () => {
      const res = await get(
        `/api/v1/pods?labelSelector=${encodeURIComponent('app in (a')}`,
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
      });
      const field = await get(
        `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=x')}`,
      );
      expect(field.status).toBe(400);
      expect(field.body.message).toBe(
        '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
      );
    });

    it('supports field selectors on metadata.name and metadata.namespace', async () => {
      const res = await get(
        `/api/v1/configmaps?fieldSelector=${encodeURIComponent(
          'metadata.name=istio-ca-root-cert',
        )}`,
      );
      expect(res.body.items).toHaveLength(0);
      const cloudRes = await call(
        'GET',
        `/api/v1/configmaps?fieldSelector=${encodeURIComponent(
          'metadata.name=istio-ca-root-cert',
        )}`,
        undefined,
        undefined,
        cloudServer.url,
      );
      expect(
        cloudRes.body.items.map((i: any) => i.metadata.namespace).sort(),
      ).toEqual([
        'default',
        'inventory',
        'istio-system',
        'jobs',
        'kube-system',
        'orders',
        'recommendations',
        'shipping',
      ]);
      const notDefault = await get(
        `/api/v1/namespaces?fieldSelector=${encodeURIComponent(
          'metadata.namespace!=x,metadata.name=payments',
        )}`,
      );
      expect(names(notDefault.body)).toEqual(['payments']);
    });

    it('gets one object, and 404s with a NotFound Status', async () => {
      const cm = await get(
        '/api/v1/namespaces/linkerd/configmaps/linkerd-config',
      );
      expect(cm.body).toMatchObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'linkerd-config', namespace: 'linkerd' },
      });
      const missing = await get(
        '/apis/apps/v1/namespaces/payments/deployments/nope',
      );
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'deployments' },
        code: 404,
      });
      const core = await get('/api/v1/namespaces/payments/pods/nope');
      expect(core.body.message).toBe('pods "nope" not found');
      expect(core.body.details).toEqual({ name: 'nope', kind: 'pods' });
    });

    it('serves mesh CRDs under every served version', async () => {
      const v3 = await get(
        '/apis/policy.linkerd.io/v1beta3/namespaces/payments/servers',
      );
      expect(v3.body).toMatchObject({
        kind: 'ServerList',
        apiVersion: 'policy.linkerd.io/v1beta3',
      });
      expect(v3.body.items[0]).toMatchObject({
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
      });
      const v1 = await get(
        '/apis/policy.linkerd.io/v1beta1/namespaces/payments/servers/payments-http',
      );
      expect(v1.body.apiVersion).toBe('policy.linkerd.io/v1beta1');
      const cnp = await get('/apis/cilium.io/v2/ciliumnetworkpolicies');
      expect(cnp.body.items[0].spec.ingress[0].authentication).toEqual({
        mode: 'required',
      });
      const pa = await call(
        'GET',
        '/apis/security.istio.io/v1/peerauthentications',
        undefined,
        undefined,
        cloudServer.url,
      );
      expect(
        pa.body.items
          .map((p: any) => [p.metadata.namespace, p.spec.mtls.mode])
          .sort(),
      ).toEqual([
        ['inventory', 'PERMISSIVE'],
        ['orders', 'STRICT'],
      ]);
    });
  });

  describe('seeded state', () => {
    it('links pods to replicasets to deployments and marks meshed pods', async () => {
      const pods = (await get('/api/v1/namespaces/storefront/pods')).body.items;
      const rs = (await get('/apis/apps/v1/namespaces/storefront/replicasets'))
        .body.items[0];
      const deploy = (
        await get('/apis/apps/v1/namespaces/storefront/deployments/storefront')
      ).body;
      expect(rs.metadata.ownerReferences[0]).toMatchObject({
        kind: 'Deployment',
        name: 'storefront',
        uid: deploy.metadata.uid,
        controller: true,
      });
      const bundle = (
        await get(
          '/api/v1/namespaces/linkerd/configmaps/linkerd-identity-trust-roots',
        )
      ).body.data['ca-bundle.crt'];
      const sha = createHash('sha256').update(bundle).digest('hex');
      for (const p of pods) {
        expect(p.metadata.ownerReferences[0]).toMatchObject({
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid,
        });
        expect(p.metadata.labels).toMatchObject({
          'backstage.io/kubernetes-id': 'storefront',
          'linkerd.io/control-plane-ns': 'linkerd',
          'linkerd.io/proxy-deployment': 'storefront',
          'linkerd.io/workload-ns': 'storefront',
        });
        expect(p.metadata.annotations['linkerd.io/trust-root-sha256']).toBe(
          sha,
        );
        expect(p.spec.initContainers.map((c: any) => c.name)).toEqual([
          'linkerd-init',
          'linkerd-proxy',
        ]);
      }
      const paymentsDeployment = (
        await get('/apis/apps/v1/namespaces/payments/deployments/payments')
      ).body;
      expect(paymentsDeployment.status).toMatchObject({
        replicas: 3,
        readyReplicas: 3,
      });
      const [identity] = (
        await get(
          '/api/v1/namespaces/linkerd/pods?labelSelector=linkerd.io%2Fcontrol-plane-component%3Didentity',
        )
      ).body.items;
      expect(identity.metadata.annotations['linkerd.io/created-by']).toBe(
        'linkerd/helm edge-26.11.2',
      );
      expect(identity.metadata.labels['linkerd.io/proxy-deployment']).toBe(
        'linkerd-identity',
      );
      const payments = (await get('/api/v1/namespaces/payments/pods')).body
        .items;
      const versions = payments
        .map(
          (p: any) =>
            p.metadata.annotations?.['linkerd.io/proxy-version'] ?? 'none',
        )
        .sort();
      expect(versions).toEqual(['edge-26.11.2', 'none', 'stable-2.14.10']);
      for (const p of payments.filter((x: any) => x.metadata.annotations)) {
        expect(p.metadata.annotations['linkerd.io/trust-root-sha256']).toBe(
          sha,
        );
      }
    });

    it('holds a real issuer certificate and key, and a matching cert-manager Certificate', async () => {
      const secret = (
        await get('/api/v1/namespaces/linkerd/secrets/linkerd-identity-issuer')
      ).body;
      const crt = Buffer.from(secret.data['crt.pem'], 'base64').toString();
      const key = Buffer.from(secret.data['key.pem'], 'base64').toString();
      expect(crt).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const x = new X509Certificate(crt);
      const anchor = new X509Certificate(
        (
          await get(
            '/api/v1/namespaces/linkerd/configmaps/linkerd-identity-trust-roots',
          )
        ).body.data['ca-bundle.crt'],
      );
      expect(x.verify(anchor.publicKey)).toBe(true);
      expect(x.checkPrivateKey(createPrivateKey(key))).toBe(true);
      const daysLeft = (Date.parse(x.validTo) - Date.now()) / 86400000;
      expect(daysLeft).toBeGreaterThan(19);
      expect(daysLeft).toBeLessThan(21);
      const cert = (
        await get(
          '/apis/cert-manager.io/v1/namespaces/linkerd/certificates/linkerd-identity-issuer',
        )
      ).body;
      expect(Date.parse(cert.status.notAfter)).toBe(
        Math.floor(Date.parse(x.validTo) / 1000) * 1000,
      );
      expect(Date.parse(cert.status.notBefore)).toBe(
        Math.floor(Date.parse(x.validFrom) / 1000) * 1000,
      );
      expect(cert.status.conditions[0]).toMatchObject({
        type: 'Ready',
        status: 'True',
      });
      const istio = (
        await call(
          'GET',
          '/api/v1/namespaces/istio-system/secrets/istio-ca-secret',
          undefined,
          undefined,
          cloudServer.url,
        )
      ).body;
      expect(istio.type).toBe('istio.io/ca-root');
      const root = new X509Certificate(
        Buffer.from(istio.data['ca-cert.pem'], 'base64').toString(),
      );
      expect(
        (Date.parse(root.validTo) - Date.now()) / 86400000,
      ).toBeGreaterThan(3000);
    });
  });

  describe('writes', () => {
    it('creates with POST, refuses duplicates with AlreadyExists and bumps resourceVersion', async () => {
      const before = (await get('/api/v1/namespaces')).body.metadata
        .resourceVersion;
      const created = await call('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team-a' },
      });
      expect(created.status).toBe(201);
      expect(Number(created.body.metadata.resourceVersion)).toBeGreaterThan(
        Number(before),
      );
      expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      const again = await call('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team-a' },
      });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'namespaces "team-a" already exists',
        reason: 'AlreadyExists',
        details: { name: 'team-a', kind: 'namespaces' },
        code: 409,
      });
      const inMissingNs = await call(
        'POST',
        '/api/v1/namespaces/nowhere/configmaps',
        { metadata: { name: 'x' } },
      );
      expect(inMissingNs.status).toBe(404);
      expect(inMissingNs.body.message).toBe('namespaces "nowhere" not found');
    });

    it("rejects invalid names with 422 Invalid in the API server's words", async () => {
      const res = await call(
        'POST',
        '/apis/apps/v1/namespaces/payments/deployments',
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'Payments_V2' },
          spec: {},
        },
      );
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Deployment.apps "Payments_V2" is invalid: metadata.name: Invalid value: "Payments_V2": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        reason: 'Invalid',
        details: {
          name: 'Payments_V2',
          group: 'apps',
          kind: 'Deployment',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: "Payments_V2": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
              field: 'metadata.name',
            },
          ],
        },
        code: 422,
      });
      const ns = await call('POST', '/api/v1/namespaces', {
        metadata: { name: 'team.b' },
      });
      expect(ns.status).toBe(422);
      expect(ns.body.message).toContain(
        'Namespace "team.b" is invalid: metadata.name: Invalid value: "team.b": a lowercase RFC 1123 label must consist of',
      );
      const label = await call(
        'PATCH',
        '/api/v1/namespaces/payments',
        { metadata: { labels: { 'istio-injection': 'yes please' } } },
        'application/merge-patch+json',
      );
      expect(label.status).toBe(422);
      expect(label.body.details.causes[0].field).toBe('metadata.labels');
    });

    it('applies merge patches', async () => {
      const res = await call(
        'PATCH',
        '/api/v1/namespaces/team-a',
        {
          metadata: {
            annotations: { 'linkerd.io/inject': 'enabled' },
            labels: { team: 'a' },
          },
        },
        'application/merge-patch+json',
      );
      expect(res.status).toBe(200);
      expect(res.body.metadata.annotations).toEqual({
        'linkerd.io/inject': 'enabled',
      });
      const removed = await call(
        'PATCH',
        '/api/v1/namespaces/team-a',
        { metadata: { labels: { team: null } } },
        'application/merge-patch+json',
      );
      expect(removed.body.metadata.labels?.team).toBeUndefined();
      expect(removed.body.metadata.annotations).toEqual({
        'linkerd.io/inject': 'enabled',
      });
      expect(Number(removed.body.metadata.resourceVersion)).toBeGreaterThan(
        Number(res.body.metadata.resourceVersion),
      );
    });

    it('applies strategic merge patches, merging containers by name', async () => {
      const path = '/apis/apps/v1/namespaces/shipping/deployments/shipping';
      const before = (await get(path)).body;
      const res = await call(
        'PATCH',
        path,
        {
          spec: {
            template: {
              metadata: {
                annotations: { 'config.linkerd.io/proxy-cpu-request': '50m' },
              },
              spec: {
                containers: [
                  {
                    name: 'shipping',
                    env: [{ name: 'LOG_LEVEL', value: 'debug' }],
                  },
                ],
              },
            },
          },
        },
        'application/strategic-merge-patch+json',
      );
      expect(res.status).toBe(200);
      const c = res.body.spec.template.spec.containers;
      expect(c).toHaveLength(1);
      expect(c[0].image).toBe(before.spec.template.spec.containers[0].image);
      expect(c[0].env).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
      expect(
        res.body.spec.template.metadata.annotations[
          'config.linkerd.io/proxy-cpu-request'
        ],
      ).toBe('50m');
      expect(res.body.metadata.generation).toBe(before.metadata.generation + 1);
      const crd = await call(
        'PATCH',
        '/apis/policy.linkerd.io/v1beta3/namespaces/payments/servers/payments-http',
        { spec: { accessPolicy: 'audit' } },
        'application/strategic-merge-patch+json',
      );
      expect(crd.status).toBe(415);
    });

    it('applies JSON patches, and fails a failed test op with 422', async () => {
      const path = '/api/v1/namespaces/team-a';
      const res = await call(
        'PATCH',
        path,
        [
          {
            op: 'add',
            path: '/metadata/labels',
            value: { 'istio.io/rev': 'default' },
          },
          {
            op: 'replace',
            path: '/metadata/annotations/linkerd.io~1inject',
            value: 'disabled',
          },
        ],
        'application/json-patch+json',
      );
      expect(res.status).toBe(200);
      expect(res.body.metadata.labels['istio.io/rev']).toBe('default');
      expect(res.body.metadata.annotations['linkerd.io/inject']).toBe(
        'disabled',
      );
      const failed = await call(
        'PATCH',
        path,
        [{ op: 'test', path: '/metadata/name', value: 'other' }],
        'application/json-patch+json',
      );
      expect(failed.status).toBe(422);
      expect(failed.body).toMatchObject({
        kind: 'Status',
        reason: 'Invalid',
        code: 422,
      });
    });

    it('answers 415 for unknown patch types', async () => {
      const res = await call(
        'PATCH',
        '/api/v1/namespaces/team-a',
        { metadata: {} },
        'application/json',
      );
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
        reason: 'UnsupportedMediaType',
        code: 415,
      });
    });

    it('refuses a stale resourceVersion with 409 Conflict', async () => {
      const res = await call(
        'PATCH',
        '/api/v1/namespaces/team-a',
        { metadata: { resourceVersion: '1', labels: { x: 'y' } } },
        'application/merge-patch+json',
      );
      expect(res.status).toBe(409);
      expect(res.body.reason).toBe('Conflict');
      expect(res.body.message).toBe(
        'Operation cannot be fulfilled on namespaces "team-a": the object has been modified; please apply your changes to the latest version and try again',
      );
    });

    it('server-side applies: creates, updates, conflicts without force, takes over with force', async () => {
      const path = '/api/v1/namespaces/team-a/configmaps/mesh-settings';
      const applied = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mesh-settings\n  namespace: team-a\n  labels:\n    owner: onboarding\ndata:\n  mode: strict\n`;
      const noManager = await call(
        'PATCH',
        path,
        applied,
        'application/apply-patch+yaml',
      );
      expect(noManager.status).toBe(422);
      expect(noManager.body.message).toContain(
        'fieldManager: Required value: is required for apply patch',
      );
      const created = await call(
        'PATCH',
        `${path}?fieldManager=meshlens`,
        applied,
        'application/apply-patch+yaml',
      );
      expect(created.status).toBe(201);
      expect(created.body.data).toEqual({ mode: 'strict' });
      expect(created.body.metadata.managedFields).toEqual([
        expect.objectContaining({
          manager: 'meshlens',
          operation: 'Apply',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:data': { 'f:mode': {} },
            'f:metadata': { 'f:labels': { 'f:owner': {} } },
          },
        }),
      ]);
      const edited = await call(
        'PATCH',
        `${path}?fieldManager=kubectl-edit`,
        { data: { mode: 'permissive', extra: '1' } },
        'application/merge-patch+json',
      );
      expect(edited.status).toBe(200);
      const conflict = await call(
        'PATCH',
        `${path}?fieldManager=meshlens`,
        applied,
        'application/apply-patch+yaml',
      );
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({
        kind: 'Status',
        reason: 'Conflict',
        code: 409,
        message:
          'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.mode',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "kubectl-edit" using v1',
              field: '.data.mode',
            },
          ],
        },
      });
      const forced = await call(
        'PATCH',
        `${path}?fieldManager=meshlens&force=true`,
        applied,
        'application/apply-patch+yaml',
      );
      expect(forced.status).toBe(200);
      expect(forced.body.data).toEqual({ mode: 'strict', extra: '1' });
      const managers = Object.fromEntries(
        forced.body.metadata.managedFields.map((m: any) => [
          m.manager,
          m.fieldsV1,
        ]),
      );
      expect(managers['kubectl-edit']).toEqual({ 'f:data': { 'f:extra': {} } });
      expect(managers.meshlens['f:data']).toEqual({ 'f:mode': {} });
      const dropLabel = await call(
        'PATCH',
        `${path}?fieldManager=meshlens`,
        applied.replace('  labels:\n    owner: onboarding\n', ''),
        'application/apply-patch+yaml',
      );
      expect(dropLabel.status).toBe(200);
      expect(dropLabel.body.metadata.labels?.owner).toBeUndefined();
    });

    it('honours dryRun=All on every write without storing anything', async () => {
      const rv = (await get('/api/v1/namespaces')).body.metadata
        .resourceVersion;
      const created = await call('POST', '/api/v1/namespaces?dryRun=All', {
        metadata: { name: 'dry-ns' },
      });
      expect(created.status).toBe(201);
      expect(created.body.metadata.name).toBe('dry-ns');
      const invalid = await call('POST', '/api/v1/namespaces?dryRun=All', {
        metadata: { name: 'Dry' },
      });
      expect(invalid.status).toBe(422);
      const patched = await call(
        'PATCH',
        '/api/v1/namespaces/reports?dryRun=All',
        { metadata: { annotations: { 'linkerd.io/inject': 'enabled' } } },
        'application/merge-patch+json',
      );
      expect(patched.body.metadata.annotations['linkerd.io/inject']).toBe(
        'enabled',
      );
      const applied = await call(
        'PATCH',
        '/api/v1/namespaces/dry-applied?dryRun=All&fieldManager=x',
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dry-applied\n',
        'application/apply-patch+yaml',
      );
      expect(applied.status).toBe(201);
      const deleted = await call(
        'DELETE',
        '/api/v1/namespaces/reports?dryRun=All',
      );
      expect(deleted.status).toBe(200);
      expect((await get('/api/v1/namespaces/dry-ns')).status).toBe(404);
      expect((await get('/api/v1/namespaces/dry-applied')).status).toBe(404);
      expect(
        (await get('/api/v1/namespaces/reports')).body.metadata.annotations,
      ).toBeUndefined();
      expect(
        (await get('/api/v1/namespaces')).body.metadata.resourceVersion,
      ).toBe(rv);
      const bad = await call('POST', '/api/v1/namespaces?dryRun=Some', {
        metadata: { name: 'x' },
      });
      expect(bad.status).toBe(422);
    });

    it('deletes objects, cascading to owned objects', async () => {
      const created = await call(
        'POST',
        '/apis/apps/v1/namespaces/team-a/deployments',
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
            },
          },
        },
      );
      expect(created.status).toBe(201);
      const pods = (
        await get('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')
      ).body.items;
      expect(pods).toHaveLength(2);
      const del = await call(
        'DELETE',
        '/apis/apps/v1/namespaces/team-a/deployments/web',
      );
      expect(del.status).toBe(200);
      expect(del.body).toMatchObject({
        kind: 'Status',
        status: 'Success',
        details: { name: 'web', group: 'apps', kind: 'deployments' },
      });
      expect(
        (await get('/api/v1/namespaces/team-a/pods')).body.items,
      ).toHaveLength(0);
      expect(
        (await get('/apis/apps/v1/namespaces/team-a/replicasets')).body.items,
      ).toHaveLength(0);
      const again = await call(
        'DELETE',
        '/apis/apps/v1/namespaces/team-a/deployments/web',
      );
      expect(again.status).toBe(404);
    });
  });

  describe('onboarding end to end', () => {
    const restart = (ns: string, name: string, base: string) =>
      call(
        'PATCH',
        `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
        {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': new Date().toISOString(),
                },
              },
            },
          },
        },
        'application/strategic-merge-patch+json',
        base,
      );

    it('a rollout restart after annotating the namespace meshes legacy-reports with Linkerd', async () => {
      const before = (await get('/api/v1/namespaces/reports/pods')).body.items;
      expect(before).toHaveLength(1);
      expect(
        before[0].metadata.labels['linkerd.io/control-plane-ns'],
      ).toBeUndefined();
      // The namespace label linkerd.io/injection=enabled does nothing: restart alone does not mesh.
      await restart('reports', 'legacy-reports', server.url);
      const stillPlain = (await get('/api/v1/namespaces/reports/pods')).body
        .items;
      expect(stillPlain[0].metadata.name).not.toBe(before[0].metadata.name);
      expect(
        stillPlain[0].metadata.labels['linkerd.io/control-plane-ns'],
      ).toBeUndefined();
      await call(
        'PATCH',
        '/api/v1/namespaces/reports',
        { metadata: { annotations: { 'linkerd.io/inject': 'enabled' } } },
        'application/merge-patch+json',
      );
      await restart('reports', 'legacy-reports', server.url);
      const after = (await get('/api/v1/namespaces/reports/pods')).body.items;
      expect(after).toHaveLength(1);
      expect(after[0].metadata.labels).toMatchObject({
        'linkerd.io/control-plane-ns': 'linkerd',
        'linkerd.io/proxy-deployment': 'legacy-reports',
        'backstage.io/kubernetes-id': 'legacy-reports',
      });
      expect(after[0].metadata.annotations['linkerd.io/proxy-version']).toBe(
        'edge-26.11.2',
      );
      expect(after[0].spec.initContainers.map((c: any) => c.name)).toContain(
        'linkerd-proxy',
      );
      const rs = (await get('/apis/apps/v1/namespaces/reports/replicasets'))
        .body.items;
      expect(rs.filter((r: any) => r.spec.replicas > 0)).toHaveLength(1);
      expect(after[0].metadata.ownerReferences[0].name).toBe(
        rs.find((r: any) => r.spec.replicas > 0).metadata.name,
      );
    });

    it('a rollout restart of payments meshes all three pods', async () => {
      await restart('payments', 'payments', server.url);
      const pods = (
        await get(
          '/api/v1/namespaces/payments/pods?labelSelector=linkerd.io%2Fcontrol-plane-ns%3Dlinkerd',
        )
      ).body.items;
      expect(pods).toHaveLength(3);
      expect(
        new Set(
          pods.map(
            (p: any) => p.metadata.annotations['linkerd.io/proxy-version'],
          ),
        ),
      ).toEqual(new Set(['edge-26.11.2']));
    });

    it('injects Istio sidecars and marks ambient pods on the cloud cluster', async () => {
      await call(
        'POST',
        '/api/v1/namespaces',
        {
          metadata: {
            name: 'search',
            labels: { 'istio-injection': 'enabled' },
          },
        },
        'application/json',
        cloudServer.url,
      );
      const root = await call(
        'GET',
        '/api/v1/namespaces/search/configmaps/istio-ca-root-cert',
        undefined,
        undefined,
        cloudServer.url,
      );
      expect(root.status).toBe(200);
      await call(
        'POST',
        '/apis/apps/v1/namespaces/search/deployments',
        {
          metadata: { name: 'search' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'search' } },
            template: {
              metadata: { labels: { app: 'search' } },
              spec: { containers: [{ name: 'search', image: 'search:1' }] },
            },
          },
        },
        'application/json',
        cloudServer.url,
      );
      const [pod] = (
        await call(
          'GET',
          '/api/v1/namespaces/search/pods',
          undefined,
          undefined,
          cloudServer.url,
        )
      ).body.items;
      expect(pod.metadata.labels).toMatchObject({
        'security.istio.io/tlsMode': 'istio',
        'service.istio.io/canonical-name': 'search',
      });
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
          .containers,
      ).toEqual(['istio-proxy']);
      expect(
        pod.spec.containers.find((c: any) => c.name === 'istio-proxy').image,
      ).toBe('docker.io/istio/proxyv2:1.28.2');

      await call(
        'PATCH',
        '/api/v1/namespaces/jobs',
        { metadata: { labels: { 'istio.io/dataplane-mode': 'ambient' } } },
        'application/merge-patch+json',
        cloudServer.url,
      );
      await restart('jobs', 'batch-importer', cloudServer.url);
      const [job] = (
        await call(
          'GET',
          '/api/v1/namespaces/jobs/pods',
          undefined,
          undefined,
          cloudServer.url,
        )
      ).body.items;
      expect(job.metadata.annotations['ambient.istio.io/redirection']).toBe(
        'enabled',
      );
      expect(job.spec.containers.map((c: any) => c.name)).toEqual([
        'batch-importer',
      ]);
    });
  });
});
