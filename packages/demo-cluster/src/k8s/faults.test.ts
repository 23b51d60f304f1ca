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
import { ApiFault, RunningApiServer, startApiServer } from './apiServer';

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const NS = '/api/v1/namespaces/orders';
const PA = '/apis/security.istio.io/v1/namespaces/orders/peerauthentications';

describe('fault injection and apply preconditions', () => {
  let cloud: ClusterState;
  let server: RunningApiServer;
  let fault: ApiFault | undefined;
  const seen: string[] = [];
  const api = apiClient(() => server.url);

  beforeEach(async () => {
    fault = undefined;
    seen.length = 0;
    cloud = await buildCluster('cloud');
    server = await startApiServer({
      store: cloud.store,
      servedApis: cloud.servedApis,
      port: 0,
      faults: r => {
        seen.push(`${r.method} ${r.path}${r.dryRun ? ' dry' : ''}`);
        return r.method === 'GET' ? undefined : fault;
      },
    });
  });

  afterEach(async () => {
    cloud.controller.stop();
    await server.close();
  });

  const label = (value: string) =>
    api.call('PATCH', NS, { metadata: { labels: { x: value } } }, MERGE);
  const liveLabel = async () =>
    (await api.get(NS)).body.metadata.labels.x as string | undefined;

  it('is asked about every request, dry runs marked, and changes nothing by itself', async () => {
    expect((await label('a')).status).toBe(200);
    await api.call(
      'PATCH',
      `${NS}?dryRun=All`,
      { metadata: { labels: { x: 'b' } } },
      MERGE,
    );
    expect(await liveLabel()).toBe('a');
    expect(seen).toEqual([`PATCH ${NS}`, `PATCH ${NS} dry`, `GET ${NS}`]);
  });

  it('fails a write with the given status and stores nothing', async () => {
    fault = { type: 'fail', status: 503 };
    const answer = await label('a');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ kind: 'Status', code: 503 });
    fault = undefined;
    expect(await liveLabel()).toBeUndefined();
  });

  it('commits a write and then drops the connection, or answers 504', async () => {
    fault = { type: 'lose-reply' };
    await expect(label('a')).rejects.toThrow(/fetch failed/);
    fault = { type: 'lose-reply', how: '504' };
    const answer = await label('b');
    expect(answer.status).toBe(504);
    fault = undefined;
    expect(await liveLabel()).toBe('b');
  });

  it('stalls a request until the client gives up', async () => {
    fault = { type: 'stall' };
    await expect(
      fetch(`${server.url}${NS}`, {
        method: 'PATCH',
        headers: {
          Authorization: 'Bearer t',
          'Content-Type': MERGE,
        },
        body: JSON.stringify({ metadata: { labels: { x: 'a' } } }),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow(/aborted|timeout/i);
    fault = undefined;
    expect(await liveLabel()).toBeUndefined();
  });

  it('takes a resourceVersion in an apply body as a precondition', async () => {
    const body = (resourceVersion?: string) =>
      JSON.stringify({
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: {
          name: 'meshlens-test',
          namespace: 'orders',
          ...(resourceVersion ? { resourceVersion } : {}),
        },
        spec: { mtls: { mode: 'PERMISSIVE' } },
      });
    const created = await api.call(
      'PATCH',
      `${PA}/meshlens-test?fieldManager=meshlens`,
      body(),
      APPLY,
    );
    expect(created.status).toBe(201);
    const rv = created.body.metadata.resourceVersion;
    const stale = await api.call(
      'PATCH',
      `${PA}/meshlens-test?fieldManager=meshlens`,
      body('1'),
      APPLY,
    );
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/the object has been modified/);
    const fresh = await api.call(
      'PATCH',
      `${PA}/meshlens-test?fieldManager=meshlens`,
      body(rv),
      APPLY,
    );
    expect(fresh.status).toBe(200);
  });
});
