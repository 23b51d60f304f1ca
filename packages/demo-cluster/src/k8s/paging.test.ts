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
import { EXPIRED_CONTINUE_MESSAGE } from './paging';
import { findResource } from './resources';

describe('list paging', () => {
  let homelab: ClusterState;
  let server: RunningApiServer;
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const api = apiClient(() => server.url);

  beforeAll(async () => {
    homelab = await buildCluster('homelab');
    server = await startApiServer({
      store: homelab.store,
      servedApis: homelab.servedApis,
      port: 0,
      now: () => new Date(clock),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  const names = (items: any[]) =>
    items.map(i => `${i.metadata.namespace}/${i.metadata.name}`);

  it('pages with limit and continue through exactly the full list', async () => {
    const full = (await api.get('/api/v1/pods')).body;
    expect(full.metadata.continue).toBeUndefined();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    const remaining: unknown[] = [];
    const expected: unknown[] = [];
    do {
      const q = token ? `&continue=${encodeURIComponent(token)}` : '';
      const page = (await api.get(`/api/v1/pods?limit=4${q}`)).body;
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...names(page.items));
      token = page.metadata.continue;
      remaining.push(page.metadata.remainingItemCount);
      expected.push(token ? full.items.length - seen.length : undefined);
      pages += 1;
    } while (token);
    expect(seen).toEqual(names(full.items));
    expect(remaining).toEqual(expected);
    expect(pages).toBe(Math.ceil(full.items.length / 4));
  });

  it('keeps the first page resourceVersion, and a deleted item does not shift the next page', async () => {
    const first = (await api.get('/api/v1/pods?limit=3')).body;
    const firstRv = first.metadata.resourceVersion;
    const last = first.items[2];
    // Removing an item already returned must not skip one that is not.
    homelab.store.remove(
      findResource('', 'v1', 'pods')!,
      last.metadata.namespace,
      last.metadata.name,
    );
    const full = (await api.get('/api/v1/pods')).body;
    const second = (
      await api.get(
        `/api/v1/pods?limit=3&continue=${encodeURIComponent(
          first.metadata.continue,
        )}`,
      )
    ).body;
    expect(second.metadata.resourceVersion).toBe(firstRv);
    expect(names(second.items)).toEqual(names(full.items).slice(2, 5));
  });

  it('answers 410 Expired for a token compaction has outrun, on demand and after five minutes', async () => {
    const first = (await api.get('/api/v1/pods?limit=2')).body;
    server.expireContinueTokens();
    const expired = await api.get(
      `/api/v1/pods?limit=2&continue=${encodeURIComponent(
        first.metadata.continue,
      )}`,
    );
    expect(expired).toEqual({
      status: 410,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: EXPIRED_CONTINUE_MESSAGE,
        reason: 'Expired',
        code: 410,
      },
    });
    const fresh = (await api.get('/api/v1/pods?limit=2')).body;
    const url = `/api/v1/pods?limit=2&continue=${encodeURIComponent(
      fresh.metadata.continue,
    )}`;
    clock += 4 * 60 * 1000;
    expect((await api.get(url)).status).toBe(200);
    clock += 60 * 1000;
    expect((await api.get(url)).status).toBe(410);
  });

  it('answers 400 for a token it cannot decode', async () => {
    const res = await api.get('/api/v1/pods?limit=2&continue=garbage');
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('BadRequest');
    expect(res.body.message).toMatch(/^continue key is not valid: /);
  });
});
