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

/** A JSON value as stored by the demo API server. */
export type Json =
  | null
  | boolean
  | number
  | string
  | Json[]
  | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Thrown when a patch cannot be applied; the server answers 422 or 400. */
export class PatchError extends Error {
  constructor(message: string, readonly status: 400 | 422 = 422) {
    super(message);
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every(k => deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return deepClone(patch);
  const result: JsonObject = isObject(target) ? deepClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k] ?? null, v);
  }
  return result;
}

/**
 * The merge key of a list field under strategic merge patch, as the
 * Kubernetes API types declare it (`patchMergeKey`), or undefined for
 * atomic lists.
 */
export function mergeKeyFor(field: string, items: Json[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'ownerReferences':
      return field === 'ownerReferences' ? 'uid' : 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'ports': {
      const first = items.find(isObject);
      if (first && 'containerPort' in first) return 'containerPort';
      return 'port';
    }
    case 'conditions':
      return 'type';
    default:
      return undefined;
  }
}

function mergeList(field: string, target: Json[], patch: Json[]): Json[] {
  const key = mergeKeyFor(field, [...patch, ...target]);
  if (!key) return deepClone(patch);
  const result = deepClone(target);
  for (const item of patch) {
    if (!isObject(item) || !(key in item)) {
      throw new PatchError(
        `map: ${JSON.stringify(
          item,
        )} does not contain declared merge key: ${key}`,
      );
    }
    const idx = result.findIndex(
      t => isObject(t) && deepEqual(t[key], item[key]),
    );
    if (item.$patch === 'delete') {
      if (idx >= 0) result.splice(idx, 1);
      continue;
    }
    if (idx >= 0) result[idx] = strategicMerge(result[idx], item);
    else result.push(strategicMerge(null, item));
  }
  return result;
}

/**
 * Strategic merge patch as kubectl sends it: maps merge recursively, `null`
 * deletes a key, lists with a merge key merge item by item, other lists are
 * replaced, and `$patch: replace|delete` directives are honoured.
 */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return deepClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return deepClone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const result: JsonObject = isObject(target) ? deepClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(v)) {
        result[field] = list.filter(x => !v.some(d => deepEqual(d, x)));
      }
      continue;
    }
    if (v === null) {
      delete result[k];
    } else if (Array.isArray(v)) {
      const current = result[k];
      result[k] = mergeList(k, Array.isArray(current) ? current : [], v);
    } else if (isObject(v)) {
      const merged = strategicMerge(result[k] ?? null, v);
      if (merged === null) delete result[k];
      else result[k] = merged;
    } else {
      result[k] = v;
    }
  }
  return result;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(`invalid JSON pointer: ${JSON.stringify(pointer)}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(
  doc: Json,
  tokens: string[],
  pointer: string,
): { parent: JsonObject | Json[]; last: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) {
        throw new PatchError(
          `doc is missing path: "${pointer}": missing value`,
        );
      }
      cur = cur[i];
    } else if (isObject(cur) && t in cur) {
      cur = cur[t];
    } else {
      throw new PatchError(`doc is missing path: "${pointer}": missing value`);
    }
  }
  if (!Array.isArray(cur) && !isObject(cur)) {
    throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] };
}

function getAt(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const { parent, last } = resolveParent(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) {
      throw new PatchError(`doc is missing path: "${pointer}": missing value`);
    }
    return parent[i];
  }
  if (!(last in parent)) {
    throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  }
  return parent[last];
}

function removeAt(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  const { parent, last } = resolveParent(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) {
      throw new PatchError(
        `Unable to remove nonexistent key: ${last}: missing value`,
      );
    }
    return parent.splice(i, 1)[0];
  }
  if (!(last in parent)) {
    throw new PatchError(
      `Unable to remove nonexistent key: ${last}: missing value`,
    );
  }
  const old = parent[last];
  delete parent[last];
  return old;
}

function addAt(
  doc: Json,
  pointer: string,
  value: Json,
  replace: boolean,
): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return deepClone(value);
  const { parent, last } = resolveParent(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) {
      throw new PatchError(`Unable to access invalid index: ${last}`);
    }
    if (replace) {
      if (i >= parent.length) {
        throw new PatchError(`Unable to access invalid index: ${last}`);
      }
      parent[i] = deepClone(value);
    } else {
      parent.splice(i, 0, deepClone(value));
    }
  } else {
    if (replace && !(last in parent)) {
      throw new PatchError(
        `replace operation does not apply: doc is missing key: ${pointer}: missing value`,
      );
    }
    parent[last] = deepClone(value);
  }
  return doc;
}

/** RFC 6902 JSON patch. */
export function applyJsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) {
    throw new PatchError(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      400,
    );
  }
  let doc = deepClone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isObject(raw) || typeof raw.op !== 'string') {
      throw new PatchError('Unexpected kind: <nil>');
    }
    const path = typeof raw.path === 'string' ? raw.path : '';
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, raw.value ?? null, false);
        break;
      case 'replace':
        doc = addAt(doc, path, raw.value ?? null, true);
        break;
      case 'remove':
        removeAt(doc, path);
        break;
      case 'move': {
        const v = removeAt(doc, raw.from ?? '');
        doc = addAt(doc, path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, path, getAt(doc, raw.from ?? ''), false);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path), raw.value ?? null)) {
          throw new PatchError(`testing value ${path} failed: test failed`);
        }
        break;
      default:
        throw new PatchError(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}
