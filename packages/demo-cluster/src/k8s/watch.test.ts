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

import { buildCluster } from '../cluster/buildCluster';
import { apiClient } from '../__testUtils__/apiClient';
import { RunningApiServer, startApiServer } from './apiServer';

const AUTH = { Authorization: 'Bearer demo-admin-token' };

/** Opens a watch and collects its events until `count` arrived or the stream ended. */
async function openWatch(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: AUTH, signal: controller.signal });
  const reader = res.body!.getReader();
  const events: any[] = [];
  let buffered = '';
  let ended = false;
  const pump = (async () => {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          events.push(JSON.parse(buffered.slice(0, nl)));
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    status: res.status,
    events,
    async until(count: number) {
      const deadline = Date.now() + 3000;
      while (events.length < count && !ended && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 10));
      }
      return events;
    },
    get ended() {
      return ended;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe('watch', () => {
  let server: RunningApiServer;
  const api = apiClient(() => server.url);

  beforeAll(async () => {
    const cloud = await buildCluster('cloud');
    server = await startApiServer({
      store: cloud.store,
      servedApis: cloud.servedApis,
      port: 0,
    });
  });

  afterAll(async () => {
    await server.close();
  });

  const CMS = '/api/v1/namespaces/orders/configmaps';

  it('streams the current state, then every change in revision order', async () => {
    const existing = (await api.get(CMS)).body.items.map(
      (i: any) => i.metadata.name,
    );
    const w = await openWatch(`${server.url}${CMS}?watch=true`);
    expect(w.status).toBe(200);
    await w.until(existing.length);
    await api.call('POST', CMS, { metadata: { name: 'w1' }, data: { a: '1' } });
    await api.call(
      'PATCH',
      `${CMS}/w1`,
      { data: { a: '2' } },
      'application/merge-patch+json',
    );
    await api.call('DELETE', `${CMS}/w1`);
    // Another namespace's change is not this watch's.
    await api.call('POST', '/api/v1/namespaces/inventory/configmaps', {
      metadata: { name: 'elsewhere' },
    });
    const events = await w.until(existing.length + 3);
    await w.close();
    expect(events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      ...existing.map((n: string) => `ADDED ${n}`),
      'ADDED w1',
      'MODIFIED w1',
      'DELETED w1',
    ]);
    const changes = events.slice(existing.length);
    expect(changes[0].object).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { a: '1' },
    });
    expect(changes[1].object.data).toEqual({ a: '2' });
    const rvs = changes.map(e => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(new Set(rvs).size).toBe(3);
  });

  it('resumes after a list resourceVersion, with selectors', async () => {
    const list = (await api.get(`${CMS}?labelSelector=team%3Dorders`)).body;
    await api.call('POST', CMS, {
      metadata: { name: 'before-watch', labels: { team: 'orders' } },
    });
    const w = await openWatch(
      `${server.url}${CMS}?watch=1&labelSelector=team%3Dorders&resourceVersion=${list.metadata.resourceVersion}`,
    );
    await api.call('POST', CMS, { metadata: { name: 'unlabelled' } });
    await api.call('POST', CMS, {
      metadata: { name: 'after-watch', labels: { team: 'orders' } },
    });
    const events = await w.until(2);
    await w.close();
    expect(events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED before-watch',
      'ADDED after-watch',
    ]);
  });

  it('answers a resourceVersion older than its history with one ERROR event: 410 Expired', async () => {
    const w = await openWatch(
      `${server.url}${CMS}?watch=true&resourceVersion=5`,
    );
    const events = await w.until(1);
    await w.close();
    expect(w.status).toBe(200);
    expect(events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          status: 'Failure',
          reason: 'Expired',
          code: 410,
          message: expect.stringMatching(
            /^too old resource version: 5 \(\d+\)$/,
          ),
        }),
      },
    ]);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await openWatch(
      `${server.url}${CMS}?watch=true&timeoutSeconds=1`,
    );
    const start = Date.now();
    while (!w.ended && Date.now() - start < 3000) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(w.ended).toBe(true);
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
    await w.close();
  });
});
