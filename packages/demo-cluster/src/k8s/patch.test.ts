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
  applyJsonPatch,
  applyMergePatch,
  Json,
  PatchError,
  strategicMerge,
} from './patch';
import { fieldPaths, serverSideApply, toFieldsV1 } from './managedFields';

describe('merge patch (RFC 7386)', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    expect(
      applyMergePatch(
        { a: { b: 1, c: 2 }, l: [1, 2], k: 'v' },
        { a: { b: null, d: 3 }, l: [3], k: null },
      ),
    ).toEqual({ a: { c: 2, d: 3 }, l: [3] });
  });
});

describe('strategic merge patch', () => {
  const deployment: Json = {
    spec: {
      template: {
        metadata: { annotations: { a: '1' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              ports: [{ containerPort: 8080, name: 'http' }],
            },
            { name: 'log', image: 'log:1' },
          ],
          tolerations: [{ key: 'a' }],
        },
      },
    },
  };

  it('merges containers by name and ports by containerPort, replaces other lists', () => {
    const out = strategicMerge(deployment, {
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' },
          },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:2',
                ports: [{ containerPort: 9090, name: 'admin' }],
              },
              { name: 'log', $patch: 'delete' },
            ],
            tolerations: [{ key: 'b' }],
          },
        },
      },
    }) as any;
    expect(out.spec.template.metadata.annotations).toEqual({
      a: '1',
      'kubectl.kubernetes.io/restartedAt': 'now',
    });
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'app',
        image: 'app:2',
        ports: [
          { containerPort: 8080, name: 'http' },
          { containerPort: 9090, name: 'admin' },
        ],
      },
    ]);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b' }]);
  });

  it('honours $patch: replace and rejects list items without their merge key', () => {
    expect(
      strategicMerge({ m: { a: 1, b: 2 } }, { m: { $patch: 'replace', c: 3 } }),
    ).toEqual({ m: { c: 3 } });
    expect(() =>
      strategicMerge(deployment, {
        spec: { template: { spec: { containers: [{ image: 'x' }] } } },
      }),
    ).toThrow(PatchError);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    const out = applyJsonPatch({ a: { b: 1 }, l: [1, 2], 'x/y': 'z' }, [
      { op: 'test', path: '/a/b', value: 1 },
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'add', path: '/l/0', value: 0 },
      { op: 'replace', path: '/a/b', value: 2 },
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'move', from: '/x~1y', path: '/w' },
      { op: 'remove', path: '/l/1' },
    ]);
    expect(out).toEqual({ a: { b: 2 }, c: { b: 2 }, l: [0, 2, 3], w: 'z' });
  });

  it('fails on missing paths and failed tests', () => {
    expect(() =>
      applyJsonPatch({}, [{ op: 'replace', path: '/nope', value: 1 }]),
    ).toThrow(PatchError);
    expect(() => applyJsonPatch({}, [{ op: 'remove', path: '/nope' }])).toThrow(
      PatchError,
    );
    expect(() =>
      applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
    ).toThrow('test failed');
  });
});

describe('server-side apply', () => {
  const now = '2026-01-01T00:00:00Z';

  it('tracks fields with merge keys for containers', () => {
    const paths = fieldPaths({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels: { a: 'b' } },
      spec: {
        template: { spec: { containers: [{ name: 'app', image: 'i' }] } },
      },
    });
    expect(toFieldsV1(paths)).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} },
            },
          },
        },
      },
    });
  });

  it('shares fields applied with equal values and conflicts on different ones', () => {
    const first = serverSideApply(
      undefined,
      { metadata: { name: 'x' }, data: { a: '1', b: '2' } },
      'one',
      false,
      'v1',
      now,
    );
    const second = serverSideApply(
      first.object,
      { metadata: { name: 'x' }, data: { a: '1' } },
      'two',
      false,
      'v1',
      now,
    );
    expect(second.conflicts).toEqual([]);
    const third = serverSideApply(
      second.object,
      { metadata: { name: 'x' }, data: { b: '3' } },
      'two',
      false,
      'v1',
      now,
    );
    expect(third.conflicts).toEqual([
      {
        manager: 'one',
        operation: 'Apply',
        apiVersion: 'v1',
        field: '.data.b',
      },
    ]);
  });
});
