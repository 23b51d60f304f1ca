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

import { buildCluster, ClusterState } from '../cluster/buildCluster';
import { apiClient } from '../__testUtils__/apiClient';
import { RunningApiServer, startApiServer } from './apiServer';

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/orders/leases';

const staleMessage = (what: string) =>
  `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`;

describe('writes as a real API server answers them', () => {
  let cloud: ClusterState;
  let homelab: ClusterState;
  let server: RunningApiServer;
  let homelabServer: RunningApiServer;
  const api = apiClient(() => server.url);
  const homelabApi = apiClient(() => homelabServer.url);

  beforeEach(async () => {
    cloud = await buildCluster('cloud');
    server = await startApiServer({
      store: cloud.store,
      servedApis: cloud.servedApis,
      admission: cloud.admission,
      port: 0,
    });
    homelab = await buildCluster('homelab');
    homelabServer = await startApiServer({
      store: homelab.store,
      servedApis: homelab.servedApis,
      admission: homelab.admission,
      port: 0,
    });
  });

  afterEach(async () => {
    await server.close();
    await homelabServer.close();
  });

  describe('Leases', () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'meshlens-onboarding' },
      spec: {
        holderIdentity: 'task-1',
        leaseDurationSeconds: 300,
        acquireTime: '2026-12-01T10:00:00.000000Z',
      },
    };

    it('creates, gets, lists and updates with optimistic concurrency', async () => {
      const created = await api.call('POST', LEASES, lease);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'meshlens-onboarding', namespace: 'orders' },
        spec: lease.spec,
      });
      expect(created.body.metadata.generation).toBeUndefined();
      const rv = created.body.metadata.resourceVersion;
      expect(rv).toMatch(/^\d+$/);
      const again = await api.call('POST', LEASES, lease);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        reason: 'AlreadyExists',
        message:
          'leases.coordination.k8s.io "meshlens-onboarding" already exists',
        details: {
          name: 'meshlens-onboarding',
          group: 'coordination.k8s.io',
          kind: 'leases',
        },
      });
      const got = await api.get(`${LEASES}/meshlens-onboarding`);
      expect(got.body.metadata.uid).toBe(created.body.metadata.uid);
      const list = await api.get(LEASES);
      expect(list.body.kind).toBe('LeaseList');
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0].kind).toBeUndefined();

      const renewed = await api.call('PUT', `${LEASES}/meshlens-onboarding`, {
        ...got.body,
        spec: { ...got.body.spec, renewTime: '2026-12-01T10:01:00.000000Z' },
      });
      expect(renewed.status).toBe(200);
      expect(Number(renewed.body.metadata.resourceVersion)).toBeGreaterThan(
        Number(rv),
      );
      // A second holder that read before the renewal loses.
      const stolen = await api.call('PUT', `${LEASES}/meshlens-onboarding`, {
        ...got.body,
        spec: { ...got.body.spec, holderIdentity: 'task-2' },
      });
      expect(stolen.status).toBe(409);
      expect(stolen.body).toMatchObject({
        reason: 'Conflict',
        message: staleMessage(
          'leases.coordination.k8s.io "meshlens-onboarding"',
        ),
      });
      const stalePatch = await api.call(
        'PATCH',
        `${LEASES}/meshlens-onboarding`,
        { metadata: { resourceVersion: rv }, spec: { holderIdentity: 'x' } },
        MERGE,
      );
      expect(stalePatch.status).toBe(409);
      expect(
        (await api.get(`${LEASES}/meshlens-onboarding`)).body.spec
          .holderIdentity,
      ).toBe('task-1');
    });

    it('deletes only when the preconditions match', async () => {
      const created = (await api.call('POST', LEASES, lease)).body;
      const path = `${LEASES}/meshlens-onboarding`;
      const wrongUid = await api.call('DELETE', path, {
        preconditions: { uid: '00000000-0000-0000-0000-000000000000' },
      });
      expect(wrongUid.status).toBe(409);
      expect(wrongUid.body.message).toBe(
        `Operation cannot be fulfilled on leases.coordination.k8s.io "meshlens-onboarding": Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: ${created.metadata.uid}`,
      );
      const renewed = await api.call(
        'PATCH',
        path,
        { spec: { renewTime: '2026-12-01T10:02:00.000000Z' } },
        MERGE,
      );
      const staleRv = await api.call('DELETE', path, {
        preconditions: { resourceVersion: created.metadata.resourceVersion },
      });
      expect(staleRv.status).toBe(409);
      expect(staleRv.body.message).toBe(
        `Operation cannot be fulfilled on leases.coordination.k8s.io "meshlens-onboarding": Precondition failed: ResourceVersion in precondition: ${created.metadata.resourceVersion}, ResourceVersion in meta: ${renewed.body.metadata.resourceVersion}`,
      );
      expect((await api.get(path)).status).toBe(200);
      const ok = await api.call('DELETE', path, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: {
          uid: created.metadata.uid,
          resourceVersion: renewed.body.metadata.resourceVersion,
        },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        kind: 'Status',
        status: 'Success',
        details: {
          name: 'meshlens-onboarding',
          group: 'coordination.k8s.io',
          kind: 'leases',
          uid: created.metadata.uid,
        },
      });
      expect((await api.get(path)).status).toBe(404);
    });

    it('validates the spec in the API server words', async () => {
      const res = await api.call('POST', LEASES, {
        ...lease,
        spec: { holderIdentity: 'x', leaseDurationSeconds: 0 },
      });
      expect(res.status).toBe(422);
      expect(res.body.message).toBe(
        'Lease.coordination.k8s.io "meshlens-onboarding" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      );
      const noNs = await api.call(
        'POST',
        '/apis/coordination.k8s.io/v1/namespaces/nowhere/leases',
        lease,
      );
      expect(noNs.status).toBe(404);
      expect(noNs.body.message).toBe('namespaces "nowhere" not found');
    });
  });

  describe('field managers of seeded objects', () => {
    it('gives Helm-installed objects to manager helm, so that another applier conflicts unless forced', async () => {
      const path = '/apis/apps/v1/namespaces/istio-system/deployments/istiod';
      const istiod = (await api.get(path)).body;
      expect(istiod.metadata.managedFields).toEqual([
        expect.objectContaining({
          manager: 'helm',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          fieldsType: 'FieldsV1',
        }),
      ]);
      expect(
        istiod.metadata.managedFields[0].fieldsV1['f:spec'],
      ).toHaveProperty('f:replicas');
      const applied =
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istiod\n  namespace: istio-system\nspec:\n  replicas: 2\n';
      const conflict = await api.call(
        'PATCH',
        `${path}?fieldManager=meshlens`,
        applied,
        APPLY,
      );
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message:
          'Apply failed with 1 conflict: conflict with "helm": .spec.replicas',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "helm"',
              field: '.spec.replicas',
            },
          ],
        },
      });
      // Applying the value helm holds is shared ownership, not a conflict.
      const same = await api.call(
        'PATCH',
        `${path}?fieldManager=meshlens&dryRun=All`,
        applied.replace('replicas: 2', 'replicas: 1'),
        APPLY,
      );
      expect(same.status).toBe(200);
      const forced = await api.call(
        'PATCH',
        `${path}?fieldManager=meshlens&force=true`,
        applied,
        APPLY,
      );
      expect(forced.status).toBe(200);
      expect(forced.body.spec.replicas).toBe(2);
      const owners = Object.fromEntries(
        forced.body.metadata.managedFields.map((m: any) => [
          m.manager,
          m.fieldsV1,
        ]),
      );
      expect(owners.helm['f:spec']).not.toHaveProperty('f:replicas');
      expect(owners.meshlens).toEqual({ 'f:spec': { 'f:replicas': {} } });
    });

    it('names a Helm 3 (Update) owner with its apiVersion, and lists several conflicts by manager', async () => {
      const path =
        '/apis/apps/v1/namespaces/kube-system/deployments/cilium-operator';
      const live = (await homelabApi.get(path)).body;
      expect(live.metadata.managedFields[0]).toMatchObject({
        manager: 'helm',
        operation: 'Update',
      });
      const res = await homelabApi.call(
        'PATCH',
        `${path}?fieldManager=meshlens`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cilium-operator\n  namespace: kube-system\n  labels:\n    app.kubernetes.io/managed-by: meshlens\nspec:\n  replicas: 3\n`,
        APPLY,
      );
      expect(res.status).toBe(409);
      expect(res.body.message).toBe(
        'Apply failed with 2 conflicts: conflicts with "helm" using apps/v1\n- .metadata.labels.app.kubernetes.io/managed-by\n- .spec.replicas',
      );
    });

    it('gives other seeded objects to kubectl, and controller-made ones to the controller manager', async () => {
      const ns = (await homelabApi.get('/api/v1/namespaces/storefront')).body;
      expect(ns.metadata.managedFields[0]).toMatchObject({
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
      });
      const rs = (
        await homelabApi.get('/apis/apps/v1/namespaces/payments/replicasets')
      ).body.items;
      expect(
        rs.some(
          (r: any) =>
            r.metadata.managedFields?.[0]?.manager ===
            'kube-controller-manager',
        ),
      ).toBe(true);
    });
  });

  describe('dryRun=All', () => {
    /** Every stored object, without what the cluster-wide list adds. */
    const dump = () => JSON.stringify(cloud.store.all());

    it('answers every write as if applied and changes nothing', async () => {
      const before = dump();
      const rv = cloud.store.resourceVersion;
      const dep = '/apis/apps/v1/namespaces/orders/deployments/orders';
      const live = (await api.get(dep)).body;

      const created = await api.call('POST', `${LEASES}?dryRun=All`, {
        metadata: { name: 'dry' },
        spec: { holderIdentity: 'x' },
      });
      expect(created.status).toBe(201);
      expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

      const put = await api.call('PUT', `${dep}?dryRun=All`, {
        ...live,
        spec: { ...live.spec, replicas: 5 },
      });
      expect(put.status).toBe(200);
      expect(put.body.spec.replicas).toBe(5);
      expect(put.body.metadata.generation).toBe(live.metadata.generation + 1);
      expect(put.body.metadata.resourceVersion).toBe(
        live.metadata.resourceVersion,
      );

      const merge = await api.call(
        'PATCH',
        `${dep}?dryRun=All`,
        { spec: { replicas: 4 } },
        MERGE,
      );
      expect(merge.body.spec.replicas).toBe(4);
      const json = await api.call(
        'PATCH',
        `${dep}?dryRun=All`,
        [{ op: 'replace', path: '/spec/replicas', value: 3 }],
        'application/json-patch+json',
      );
      expect(json.body.spec.replicas).toBe(3);
      const strategic = await api.call(
        'PATCH',
        `${dep}?dryRun=All`,
        {
          spec: {
            template: {
              metadata: {
                annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' },
              },
            },
          },
        },
        'application/strategic-merge-patch+json',
      );
      expect(
        strategic.body.spec.template.metadata.annotations[
          'kubectl.kubernetes.io/restartedAt'
        ],
      ).toBe('now');
      const applied = await api.call(
        'PATCH',
        '/api/v1/namespaces/orders/configmaps/dry?dryRun=All&fieldManager=meshlens',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n  namespace: orders\ndata:\n  a: b\n',
        APPLY,
      );
      expect(applied.status).toBe(201);
      expect(applied.body.metadata.managedFields[0].manager).toBe('meshlens');
      const deletedNs = await api.call(
        'DELETE',
        '/api/v1/namespaces/orders?dryRun=All',
      );
      expect(deletedNs.status).toBe(200);
      expect(deletedNs.body.metadata.deletionTimestamp).toEqual(
        expect.any(String),
      );
      const deletedDep = await api.call('DELETE', `${dep}?dryRun=All`);
      expect(deletedDep.body.status).toBe('Success');
      const inBody = await api.call('DELETE', dep, {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        dryRun: ['All'],
      });
      expect(inBody.status).toBe(200);

      expect(dump()).toBe(before);
      expect(cloud.store.resourceVersion).toBe(rv);
    });

    it('answers the errors a real write would get', async () => {
      const before = dump();
      const dep = '/apis/apps/v1/namespaces/orders/deployments/orders';
      const live = (await api.get(dep)).body;
      const stale = await api.call('PUT', `${dep}?dryRun=All`, {
        ...live,
        metadata: { ...live.metadata, resourceVersion: '1' },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.message).toBe(
        staleMessage('deployments.apps "orders"'),
      );
      const stalePatch = await api.call(
        'PATCH',
        `${dep}?dryRun=All`,
        { metadata: { resourceVersion: '1' }, spec: { replicas: 3 } },
        MERGE,
      );
      expect(stalePatch.status).toBe(409);
      const helm = await api.call(
        'PATCH',
        '/apis/apps/v1/namespaces/istio-system/deployments/istiod?dryRun=All&fieldManager=meshlens',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istiod\n  namespace: istio-system\nspec:\n  replicas: 3\n',
        APPLY,
      );
      expect(helm.status).toBe(409);
      const precondition = await api.call('DELETE', `${dep}?dryRun=All`, {
        preconditions: { resourceVersion: '1' },
      });
      expect(precondition.status).toBe(409);
      const invalid = await api.call(
        'PATCH',
        `${dep}?dryRun=All`,
        { spec: { replicas: -1 } },
        MERGE,
      );
      expect(invalid.status).toBe(422);
      const missing = await api.call(
        'PATCH',
        '/apis/apps/v1/namespaces/orders/deployments/nope?dryRun=All',
        { spec: { replicas: 1 } },
        MERGE,
      );
      expect(missing.status).toBe(404);
      const duplicate = await api.call(
        'POST',
        '/apis/apps/v1/namespaces/orders/deployments?dryRun=All',
        { ...live, metadata: { name: 'orders' } },
      );
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.reason).toBe('AlreadyExists');
      expect(dump()).toBe(before);
    });
  });
});
