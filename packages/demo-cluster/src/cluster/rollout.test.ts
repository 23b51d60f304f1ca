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

import { RunningApiServer, startApiServer } from '../k8s/apiServer';
import { apiClient } from '../__testUtils__/apiClient';
import { buildCluster, ClusterState } from './buildCluster';

const DELAY_MS = 400;

describe('slow rollouts', () => {
  let homelab: ClusterState;
  let server: RunningApiServer;
  const api = apiClient(() => server.url);

  beforeAll(async () => {
    homelab = await buildCluster('homelab', {
      slowRollout: { readyDelayMs: DELAY_MS, namespaces: ['storefront'] },
    });
    server = await startApiServer({
      store: homelab.store,
      servedApis: homelab.servedApis,
      port: 0,
    });
  });

  afterAll(async () => {
    homelab.controller.stop();
    await server.close();
  });

  const restart = (ns: string, name: string) =>
    api.call(
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
    );
  const ready = (p: any) =>
    p.status.conditions.find((c: any) => c.type === 'Ready').status;

  it('keeps new pods unready for the delay and the old ones serving, then completes', async () => {
    const old = (await api.get('/api/v1/namespaces/storefront/pods')).body
      .items;
    expect(old).toHaveLength(3);
    expect((await restart('storefront', 'storefront')).status).toBe(200);

    const during = (await api.get('/api/v1/namespaces/storefront/pods')).body
      .items;
    const oldNames = old.map((p: any) => p.metadata.name);
    const fresh = during.filter(
      (p: any) => !oldNames.includes(p.metadata.name),
    );
    expect(during).toHaveLength(6);
    expect(fresh.map(ready)).toEqual(['False', 'False', 'False']);
    const rolling = (
      await api.get(
        '/apis/apps/v1/namespaces/storefront/deployments/storefront',
      )
    ).body.status;
    expect(rolling).toMatchObject({
      replicas: 6,
      updatedReplicas: 3,
      readyReplicas: 3,
    });
    expect(
      rolling.conditions.find((c: any) => c.type === 'Progressing'),
    ).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });

    await new Promise(r => setTimeout(r, DELAY_MS + 200));

    const after = (await api.get('/api/v1/namespaces/storefront/pods')).body
      .items;
    expect(after.map((p: any) => p.metadata.name).sort()).toEqual(
      fresh.map((p: any) => p.metadata.name).sort(),
    );
    expect(after.map(ready)).toEqual(['True', 'True', 'True']);
    const done = (
      await api.get(
        '/apis/apps/v1/namespaces/storefront/deployments/storefront',
      )
    ).body.status;
    expect(done).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(
      done.conditions.find((c: any) => c.type === 'Progressing'),
    ).toMatchObject({ reason: 'NewReplicaSetAvailable' });
  });

  it('rolls other namespaces out at once', async () => {
    expect((await restart('shipping', 'shipping')).status).toBe(200);
    const pods = (await api.get('/api/v1/namespaces/shipping/pods')).body.items;
    expect(pods.map(ready)).toEqual(['True', 'True']);
  });
});
