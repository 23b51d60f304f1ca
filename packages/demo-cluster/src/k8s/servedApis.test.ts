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

import { buildCluster, CLUSTERS } from '../cluster/buildCluster';
import { apiClient } from '../__testUtils__/apiClient';
import { RunningApiServer, startApiServer } from './apiServer';
import { ServedApis } from './servedApis';

const NOT_FOUND = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  details: {},
  code: 404,
};

describe('per-cluster CRD sets', () => {
  const servers: RunningApiServer[] = [];
  let homelab: RunningApiServer;
  let oldIstio: RunningApiServer;
  const homelabApi = apiClient(() => homelab.url);
  const oldIstioApi = apiClient(() => oldIstio.url);

  beforeAll(async () => {
    const h = await buildCluster('homelab');
    homelab = await startApiServer({
      store: h.store,
      servedApis: h.servedApis,
      port: 0,
    });
    // An Istio whose CRDs predate security.istio.io/v1.
    const c = await buildCluster('cloud', {
      crds: CLUSTERS.cloud.crds.filter(
        ref => !ref.startsWith('security.istio.io/v1/'),
      ),
    });
    oldIstio = await startApiServer({
      store: c.store,
      servedApis: c.servedApis,
      port: 0,
    });
    servers.push(homelab, oldIstio);
  });

  afterAll(async () => {
    await Promise.all(servers.map(s => s.close()));
  });

  it('serves an Istio without security.istio.io/v1: discovery and resource paths answer 404, v1beta1 serves', async () => {
    const apis = (await oldIstioApi.get('/apis')).body.groups;
    const security = apis.find((g: any) => g.name === 'security.istio.io');
    expect(security).toEqual({
      name: 'security.istio.io',
      versions: [
        { groupVersion: 'security.istio.io/v1beta1', version: 'v1beta1' },
      ],
      preferredVersion: {
        groupVersion: 'security.istio.io/v1beta1',
        version: 'v1beta1',
      },
    });
    expect(await oldIstioApi.get('/apis/security.istio.io/v1')).toEqual({
      status: 404,
      body: NOT_FOUND,
    });
    for (const path of [
      '/apis/security.istio.io/v1/peerauthentications',
      '/apis/security.istio.io/v1/namespaces/istio-system/peerauthentications',
      '/apis/security.istio.io/v1/namespaces/istio-system/peerauthentications/default',
    ]) {
      expect(await oldIstioApi.get(path)).toEqual({
        status: 404,
        body: NOT_FOUND,
      });
    }
    const old = await oldIstioApi.get(
      '/apis/security.istio.io/v1beta1/peerauthentications',
    );
    expect(old.status).toBe(200);
    expect(old.body.items.length).toBeGreaterThan(0);
    expect(
      old.body.items
        .map((i: any) => i.apiVersion)
        .every((v: string) => v === 'security.istio.io/v1beta1'),
    ).toBe(true);
    // Writes to the missing version fail the same way.
    const write = await oldIstioApi.call(
      'POST',
      '/apis/security.istio.io/v1/namespaces/orders/peerauthentications',
      { metadata: { name: 'strict' }, spec: { mtls: { mode: 'STRICT' } } },
    );
    expect(write).toEqual({ status: 404, body: NOT_FOUND });
    // Other Istio groups are untouched.
    expect(
      (await oldIstioApi.get('/apis/networking.istio.io/v1/destinationrules'))
        .status,
    ).toBe(200);
  });

  it('serves each demo cluster only the CRDs its meshes install', async () => {
    const groups = (await homelabApi.get('/apis')).body.groups.map(
      (g: any) => g.name,
    );
    expect(groups).toEqual(
      expect.arrayContaining([
        'policy.linkerd.io',
        'linkerd.io',
        'cilium.io',
        'cert-manager.io',
        'gateway.networking.k8s.io',
        'coordination.k8s.io',
        'apps',
      ]),
    );
    expect(groups).not.toContain('security.istio.io');
    expect(groups).not.toContain('networking.istio.io');
    expect(await homelabApi.get('/apis/security.istio.io')).toEqual({
      status: 404,
      body: NOT_FOUND,
    });
    expect(
      await homelabApi.get('/apis/networking.istio.io/v1/virtualservices'),
    ).toEqual({ status: 404, body: NOT_FOUND });
  });

  it('refuses a CRD version it does not know, listing the known ones', () => {
    expect(
      () => new ServedApis(['security.istio.io/v2/peerauthentications']),
    ).toThrow(
      /^unknown CRD version "security.istio.io\/v2\/peerauthentications": write group\/version\/plural, one of .*security.istio.io\/v1beta1\/peerauthentications/,
    );
  });
});
