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

import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { buildCluster } from '../cluster/buildCluster';
import { RunningApiServer, startApiServer } from './apiServer';

describe('the real @kubernetes/client-node against the demo API server', () => {
  let server: RunningApiServer;
  let api: CoreV1Api;

  beforeAll(async () => {
    const state = await buildCluster('homelab');
    server = await startApiServer({ store: state.store, port: 0 });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'homelab', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'demo', token: 'demo-homelab-token' }],
      contexts: [{ name: 'homelab', cluster: 'homelab', user: 'demo' }],
      currentContext: 'homelab',
    });
    api = kc.makeApiClient(CoreV1Api);
  });

  afterAll(async () => {
    await server.close();
  });

  it('lists pods with a label selector', async () => {
    const list = await api.listNamespacedPod({
      namespace: 'payments',
      labelSelector:
        'backstage.io/kubernetes-id=payments,linkerd.io/control-plane-ns',
    });
    expect(list.items).toHaveLength(2);
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    for (const pod of list.items) {
      expect(pod.metadata?.labels?.['linkerd.io/proxy-deployment']).toBe(
        'payments',
      );
      expect(pod.status?.phase).toBe('Running');
    }
    const everywhere = await api.listPodForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id=storefront',
    });
    expect(everywhere.items).toHaveLength(3);
  });

  it('patches a namespace with a merge patch', async () => {
    const patched = await api.patchNamespace(
      {
        name: 'reports',
        body: { metadata: { annotations: { 'linkerd.io/inject': 'enabled' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.annotations?.['linkerd.io/inject']).toBe(
      'enabled',
    );
    const read = await api.readNamespace({ name: 'reports' });
    expect(read.metadata?.annotations?.['linkerd.io/inject']).toBe('enabled');
    expect(read.metadata?.resourceVersion).toBe(
      patched.metadata?.resourceVersion,
    );
  });

  it('surfaces a 404 Status as an ApiException', async () => {
    await expect(api.readNamespace({ name: 'nope' })).rejects.toMatchObject({
      code: 404,
    });
  });
});
