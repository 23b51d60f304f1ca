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

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCluster } from '../cluster/buildCluster';
import { apiClient } from '../__testUtils__/apiClient';
import { RequestRecord, RunningApiServer, startApiServer } from './apiServer';
import { loadRbacManifest } from './rbac';

const SA = 'system:serviceaccount:meshlens:meshlens-reader';

const MANIFEST = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: meshlens-read
rules:
  - apiGroups: ['']
    resources: [pods, services, namespaces]
    verbs: [get, list]
  - apiGroups: [apps]
    resources: ['*']
    verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: meshlens-read
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: meshlens-read }
subjects:
  - kind: ServiceAccount
    name: meshlens-reader
    namespace: meshlens
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: trust-roots
  namespace: linkerd
rules:
  - apiGroups: ['']
    resources: [configmaps]
    resourceNames: [linkerd-identity-trust-roots]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: trust-roots
  namespace: linkerd
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: trust-roots }
subjects:
  - kind: Group
    name: system:serviceaccounts:meshlens
`;

describe('RBAC mode', () => {
  let server: RunningApiServer;
  const requests: RequestRecord[] = [];
  let dir: string;
  const api = apiClient(() => server.url);
  const sa = api.as('reader-token');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-rbac-'));
    const file = path.join(dir, 'rbac.yaml');
    fs.writeFileSync(file, MANIFEST);
    const homelab = await buildCluster('homelab');
    server = await startApiServer({
      store: homelab.store,
      servedApis: homelab.servedApis,
      port: 0,
      rbac: {
        policy: loadRbacManifest(file),
        users: { 'reader-token': SA },
      },
      onRequest: r => requests.push(r),
    });
  });

  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers 403 Forbidden for a Secret, in the real server's words", async () => {
    const res = await sa.get(
      '/api/v1/namespaces/linkerd/secrets/linkerd-identity-issuer',
    );
    expect(res).toEqual({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `secrets "linkerd-identity-issuer" is forbidden: User "${SA}" cannot get resource "secrets" in API group "" in the namespace "linkerd"`,
        reason: 'Forbidden',
        details: { name: 'linkerd-identity-issuer', kind: 'secrets' },
        code: 403,
      },
    });
    // The same request with a token RBAC mode does not name is the demo's admin.
    expect(
      (
        await api.get(
          '/api/v1/namespaces/linkerd/secrets/linkerd-identity-issuer',
        )
      ).status,
    ).toBe(200);
  });

  it('allows what a ClusterRoleBinding grants, in every namespace, and nothing more', async () => {
    expect((await sa.get('/api/v1/pods')).status).toBe(200);
    expect((await sa.get('/api/v1/namespaces/linkerd/pods')).status).toBe(200);
    expect((await sa.get('/apis/apps/v1/deployments')).status).toBe(200);
    const get = await sa.get(
      '/apis/apps/v1/namespaces/storefront/deployments/storefront',
    );
    expect(get.status).toBe(403);
    expect(get.body.message).toBe(
      `deployments.apps "storefront" is forbidden: User "${SA}" cannot get resource "deployments" in API group "apps" in the namespace "storefront"`,
    );
    expect(get.body.details).toEqual({
      name: 'storefront',
      group: 'apps',
      kind: 'deployments',
    });
    const create = await sa.call('POST', '/api/v1/namespaces', {
      metadata: { name: 'sneaky' },
    });
    expect(create.status).toBe(403);
    expect(create.body.message).toBe(
      `namespaces is forbidden: User "${SA}" cannot create resource "namespaces" in API group "" at the cluster scope`,
    );
    expect((await api.get('/api/v1/namespaces/sneaky')).status).toBe(404);
    const patch = await sa.call(
      'PATCH',
      '/api/v1/namespaces/storefront',
      { metadata: { labels: { x: 'y' } } },
      'application/merge-patch+json',
    );
    expect(patch.status).toBe(403);
    expect(patch.body.message).toBe(
      `namespaces "storefront" is forbidden: User "${SA}" cannot patch resource "namespaces" in API group "" in the namespace "storefront"`,
    );
  });

  it('limits a RoleBinding to its namespace and a rule with resourceNames to those names', async () => {
    expect(
      (
        await sa.get(
          '/api/v1/namespaces/linkerd/configmaps/linkerd-identity-trust-roots',
        )
      ).status,
    ).toBe(200);
    const other = await sa.get(
      '/api/v1/namespaces/linkerd/configmaps/linkerd-config',
    );
    expect(other.status).toBe(403);
    const list = await sa.get('/api/v1/namespaces/linkerd/configmaps');
    expect(list.status).toBe(403);
    expect(list.body.message).toBe(
      `configmaps is forbidden: User "${SA}" cannot list resource "configmaps" in API group "" in the namespace "linkerd"`,
    );
    const elsewhere = await sa.get(
      '/api/v1/namespaces/storefront/configmaps/linkerd-identity-trust-roots',
    );
    expect(elsewhere.status).toBe(403);
  });

  it('lets every user read discovery, and authorizes before it looks the resource up', async () => {
    expect((await sa.get('/apis')).status).toBe(200);
    expect((await sa.get('/api/v1')).status).toBe(200);
    expect((await sa.get('/version')).status).toBe(200);
    // A real server answers 403, not 404, to a user without the right.
    const unserved = await sa.get(
      '/apis/security.istio.io/v1/peerauthentications',
    );
    expect(unserved.status).toBe(403);
    expect(
      (await api.get('/apis/security.istio.io/v1/peerauthentications')).status,
    ).toBe(404);
  });

  it('logs every request with its verb, path, user and answer', async () => {
    requests.length = 0;
    await sa.get('/api/v1/namespaces/linkerd/pods?limit=5');
    await sa.get('/api/v1/namespaces/linkerd/secrets');
    await api.call(
      'DELETE',
      '/api/v1/namespaces/storefront/pods/nope?dryRun=All',
    );
    await sa.get('/api');
    // onRequest runs when the answer is finished; let the last one land.
    await new Promise(r => setTimeout(r, 20));
    expect(requests).toEqual([
      {
        method: 'GET',
        verb: 'list',
        path: '/api/v1/namespaces/linkerd/pods',
        query: 'limit=5',
        user: SA,
        apiGroup: '',
        resource: 'pods',
        namespace: 'linkerd',
        code: 200,
      },
      {
        method: 'GET',
        verb: 'list',
        path: '/api/v1/namespaces/linkerd/secrets',
        query: '',
        user: SA,
        apiGroup: '',
        resource: 'secrets',
        namespace: 'linkerd',
        code: 403,
      },
      {
        method: 'DELETE',
        verb: 'delete',
        path: '/api/v1/namespaces/storefront/pods/nope',
        query: 'dryRun=All',
        user: 'demo-admin',
        apiGroup: '',
        resource: 'pods',
        namespace: 'storefront',
        name: 'nope',
        code: 404,
      },
      {
        method: 'GET',
        verb: 'get',
        path: '/api',
        query: '',
        user: SA,
        code: 200,
      },
    ]);
  });

  it('refuses manifests it cannot enforce, saying what to change', () => {
    const file = path.join(dir, 'aggregated.yaml');
    fs.writeFileSync(
      file,
      'kind: ClusterRole\nmetadata: {name: agg}\naggregationRule: {clusterRoleSelectors: []}\n',
    );
    expect(() => loadRbacManifest(file)).toThrow(
      'ClusterRole "agg": aggregationRule is not supported by the demo\'s RBAC mode; list the rules',
    );
  });
});
