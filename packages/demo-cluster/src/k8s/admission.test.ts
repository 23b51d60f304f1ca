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
import { AdmissionPlugin } from './admission';
import { RunningApiServer, startApiServer } from './apiServer';
import { podSecurityAdmission } from './podSecurity';
import { Errors } from './status';

const ISTIO_INIT_REFUSAL =
  /^pods "orders-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities \(container "istio-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add\)$/;

describe('admission', () => {
  let cloud: ClusterState;
  let server: RunningApiServer;
  const api = apiClient(() => server.url);

  /** Refuses ConfigMaps named `forbidden-*`: a plugin of the test's own. */
  const namePolicy: AdmissionPlugin = {
    name: 'NamePolicy',
    validate: r =>
      r.resource.kind === 'ConfigMap' && r.name.startsWith('forbidden-')
        ? Errors.forbidden(
            `configmaps "${r.name}" is forbidden: names starting with forbidden- are reserved`,
            { name: r.name, kind: 'configmaps' },
          )
        : undefined,
  };

  beforeEach(async () => {
    cloud = await buildCluster('cloud', {
      admission: [podSecurityAdmission, namePolicy],
    });
    server = await startApiServer({
      store: cloud.store,
      servedApis: cloud.servedApis,
      admission: cloud.admission,
      port: 0,
    });
  });

  afterEach(async () => {
    await server.close();
  });

  const label = (ns: string, level: string) =>
    api.call(
      'PATCH',
      `/api/v1/namespaces/${ns}`,
      { metadata: { labels: { 'pod-security.kubernetes.io/enforce': level } } },
      'application/merge-patch+json',
    );
  const restart = (ns: string, name: string) =>
    api.call(
      'PATCH',
      `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
      {
        spec: {
          template: {
            metadata: {
              annotations: {
                'kubectl.kubernetes.io/restartedAt': '2026-12-01T10:00:00Z',
              },
            },
          },
        },
      },
      'application/strategic-merge-patch+json',
    );
  const podsOf = async (ns: string) =>
    (await api.get(`/api/v1/namespaces/${ns}/pods`)).body.items;

  it("refuses istio-init without istio-cni in a baseline namespace; the ReplicaSet says so, as the real controller's", async () => {
    const cni = await api.call(
      'DELETE',
      '/apis/apps/v1/namespaces/istio-system/daemonsets/istio-cni-node',
    );
    expect(cni.status).toBe(200);
    expect((await label('orders', 'baseline')).status).toBe(200);
    const before = await podsOf('orders');
    expect(before).toHaveLength(2);

    expect((await restart('orders', 'orders')).status).toBe(200);

    const replicaSets = (
      await api.get('/apis/apps/v1/namespaces/orders/replicasets')
    ).body.items;
    const deployment = (
      await api.get('/apis/apps/v1/namespaces/orders/deployments/orders')
    ).body;
    const newRs = replicaSets.find(
      (rs: any) =>
        rs.metadata.annotations['deployment.kubernetes.io/revision'] === '2',
    );
    expect(newRs.status.replicas).toBe(0);
    expect(newRs.status.conditions).toEqual([
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: expect.stringMatching(ISTIO_INIT_REFUSAL),
        lastTransitionTime: expect.any(String),
      },
    ]);
    expect(deployment.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'ReplicaFailure',
        reason: 'FailedCreate',
        message: newRs.status.conditions[0].message,
      }),
    );
    expect(deployment.status.updatedReplicas).toBe(0);
    // The refused pod never exists; the old one keeps serving.
    const after = await podsOf('orders');
    expect(after.map((p: any) => p.metadata.name)).toEqual(
      before.map((p: any) => p.metadata.name),
    );
  });

  it('admits the same rollout with istio-cni, whose istio-validation drops every capability', async () => {
    expect((await label('orders', 'baseline')).status).toBe(200);
    expect((await restart('orders', 'orders')).status).toBe(200);
    const pods = await podsOf('orders');
    expect(
      pods.map((p: any) => p.spec.initContainers.map((c: any) => c.name)),
    ).toEqual([['istio-validation'], ['istio-validation']]);
    const replicaSets = (
      await api.get('/apis/apps/v1/namespaces/orders/replicasets')
    ).body.items;
    const rs = replicaSets.find((r: any) => r.spec.replicas === 2);
    expect(pods.map((p: any) => p.metadata.ownerReferences[0].name)).toEqual([
      rs.metadata.name,
      rs.metadata.name,
    ]);
    expect(rs.status.conditions).toBeUndefined();
  });

  it('answers a direct pod create with 403 and that message, with or without dryRun, and stores nothing', async () => {
    expect((await label('inventory', 'baseline')).status).toBe(200);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe' },
      spec: {
        initContainers: [
          {
            name: 'istio-init',
            image: 'docker.io/istio/proxyv2:1.28.2',
            securityContext: {
              capabilities: { add: ['NET_RAW', 'NET_ADMIN'] },
            },
          },
        ],
        containers: [{ name: 'app', image: 'nginx' }],
      },
    };
    for (const query of ['', '?dryRun=All']) {
      const res = await api.call(
        'POST',
        `/api/v1/namespaces/inventory/pods${query}`,
        pod,
      );
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
        code: 403,
        message:
          'pods "probe" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "istio-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)',
        details: { name: 'probe', kind: 'pods' },
      });
    }
    expect(
      (await api.get('/api/v1/namespaces/inventory/pods/probe')).status,
    ).toBe(404);
    // Unlabelled (or privileged) namespaces admit it.
    const shipping = await api.call(
      'POST',
      '/api/v1/namespaces/shipping/pods?dryRun=All',
      pod,
    );
    expect(shipping.status).toBe(201);
  });

  it('words every restricted violation in check order', async () => {
    expect((await label('jobs', 'restricted')).status).toBe(200);
    const res = await api.call('POST', '/api/v1/namespaces/jobs/pods', {
      metadata: { name: 'plain' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      'pods "plain" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    const hardened = await api.call('POST', '/api/v1/namespaces/jobs/pods', {
      metadata: { name: 'hardened' },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'app',
            image: 'nginx',
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
          },
        ],
      },
    });
    expect(hardened.status).toBe(201);
  });

  it('runs any plugin given, on API writes including dry runs', async () => {
    for (const query of ['', '?dryRun=All']) {
      const res = await api.call(
        'POST',
        `/api/v1/namespaces/orders/configmaps${query}`,
        { metadata: { name: 'forbidden-x' } },
      );
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(
        'configmaps "forbidden-x" is forbidden: names starting with forbidden- are reserved',
      );
    }
    expect(
      (
        await api.call('POST', '/api/v1/namespaces/orders/configmaps', {
          metadata: { name: 'allowed-x' },
        })
      ).status,
    ).toBe(201);
  });
});
