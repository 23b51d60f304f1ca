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
  deepClone,
  deepEqual,
  isObject,
  Json,
  JsonObject,
  mergeKeyFor,
  strategicMerge,
} from './patch';

/** A field path in fieldsV1 notation, e.g. ['f:metadata', 'f:labels', 'f:app']. */
export type FieldPath = string[];

/** One entry of metadata.managedFields. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** A field another manager owns with a different value. */
export interface FieldConflict {
  manager: string;
  /** Conflict messages name an Update manager's apiVersion, not an Apply manager's. */
  operation: 'Apply' | 'Update';
  apiVersion: string;
  field: string;
}

const SKIPPED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
]);

const SEP = '\u0000';

function collect(
  value: Json,
  path: FieldPath,
  out: FieldPath[],
  field: string,
) {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      collect(v, [...path, `f:${k}`], out, k);
    }
    return;
  }
  if (Array.isArray(value)) {
    const key = mergeKeyFor(field, value);
    if (key && value.every(i => isObject(i) && key in i)) {
      for (const item of value as JsonObject[]) {
        const itemPath = [...path, `k:${JSON.stringify({ [key]: item[key] })}`];
        for (const [k, v] of Object.entries(item)) {
          collect(v, [...itemPath, `f:${k}`], out, k);
        }
      }
      return;
    }
  }
  out.push(path);
}

/** The leaf field paths set in an object, as server-side apply tracks them. */
export function fieldPaths(obj: JsonObject): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (SKIPPED_METADATA.has(mk)) continue;
        collect(mv, ['f:metadata', `f:${mk}`], out, mk);
      }
      continue;
    }
    collect(v, [`f:${k}`], out, k);
  }
  return out;
}

/** Builds a fieldsV1 object from leaf paths. */
export function toFieldsV1(paths: FieldPath[]): JsonObject {
  const root: JsonObject = {};
  for (const p of paths) {
    let cur = root;
    for (const seg of p) {
      if (!isObject(cur[seg])) {
        cur[seg] = seg.startsWith('k:') ? { '.': {} } : {};
      }
      cur = cur[seg] as JsonObject;
    }
  }
  return root;
}

/** Reads the leaf paths of a fieldsV1 object. */
export function fromFieldsV1(fields: JsonObject): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: JsonObject, path: FieldPath) => {
    const children = Object.keys(node).filter(k => k !== '.');
    if (children.length === 0) {
      if (path.length > 0) out.push(path);
      return;
    }
    for (const c of children) {
      const child = node[c];
      walk(isObject(child) ? child : {}, [...path, c]);
    }
  };
  walk(fields, []);
  return out;
}

function step(value: Json | undefined, seg: string): Json | undefined {
  if (seg.startsWith('f:')) {
    return isObject(value) ? value[seg.slice(2)] : undefined;
  }
  if (seg.startsWith('k:') && Array.isArray(value)) {
    const key = JSON.parse(seg.slice(2)) as JsonObject;
    return value.find(
      i =>
        isObject(i) &&
        Object.entries(key).every(([k, v]) => deepEqual(i[k], v)),
    );
  }
  return undefined;
}

/** The value at a field path, or undefined. */
export function valueAt(obj: Json, path: FieldPath): Json | undefined {
  let cur: Json | undefined = obj;
  for (const seg of path) {
    cur = step(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the value at a field path, if present. */
export function removePath(obj: JsonObject, path: FieldPath): void {
  let parent: Json | undefined = obj;
  for (const seg of path.slice(0, -1)) {
    parent = step(parent, seg);
    if (parent === undefined) return;
  }
  const last = path[path.length - 1];
  if (last.startsWith('f:') && isObject(parent)) {
    delete parent[last.slice(2)];
  } else if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = step(parent, last);
    const i = parent.indexOf(item as Json);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** Renders a field path the way conflict messages do: `.spec.replicas`. */
export function describePath(path: FieldPath): string {
  return path
    .map(seg => {
      if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
      const key = JSON.parse(seg.slice(2)) as JsonObject;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

const keyOf = (p: FieldPath) => p.join(SEP);

function entries(obj: JsonObject | undefined): ManagedFieldsEntry[] {
  const meta = obj?.metadata;
  const mf = isObject(meta) ? meta.managedFields : undefined;
  return Array.isArray(mf)
    ? (deepClone(mf) as unknown as ManagedFieldsEntry[])
    : [];
}

function setEntries(obj: JsonObject, list: ManagedFieldsEntry[]): void {
  const meta = (isObject(obj.metadata) ? obj.metadata : {}) as JsonObject;
  const kept = list.filter(e => fromFieldsV1(e.fieldsV1).length > 0);
  if (kept.length > 0) meta.managedFields = kept as unknown as Json;
  else delete meta.managedFields;
  obj.metadata = meta;
}

/** The result of a server-side apply. */
export interface ApplyResult {
  object: JsonObject;
  conflicts: FieldConflict[];
}

/**
 * Server-side apply: merges the applied configuration into the live object,
 * detects conflicts with fields other managers own with different values,
 * transfers them when forced, removes fields this manager stopped applying,
 * and records the manager in metadata.managedFields.
 */
export function serverSideApply(
  live: JsonObject | undefined,
  applied: JsonObject,
  manager: string,
  force: boolean,
  apiVersion: string,
  now: string,
): ApplyResult {
  const appliedPaths = fieldPaths(applied);
  const appliedKeys = new Set(appliedPaths.map(keyOf));
  const list = entries(live);
  const conflicts: FieldConflict[] = [];
  const conflictKeys = new Set<string>();
  for (const e of list) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    for (const p of fromFieldsV1(e.fieldsV1)) {
      if (!appliedKeys.has(keyOf(p))) continue;
      if (!deepEqual(valueAt(live ?? {}, p), valueAt(applied, p))) {
        conflicts.push({
          manager: e.manager,
          operation: e.operation,
          apiVersion: e.apiVersion,
          field: describePath(p),
        });
        conflictKeys.add(keyOf(p));
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    return { object: live ?? {}, conflicts };
  }

  const { metadata: appliedMeta, ...appliedRest } = applied;
  const patch: JsonObject = { ...appliedRest };
  if (isObject(appliedMeta)) {
    const { managedFields: _mf, ...m } = appliedMeta;
    patch.metadata = m;
  }
  const merged = strategicMerge(live ?? {}, patch) as JsonObject;

  const previous = list.find(
    e => e.manager === manager && e.operation === 'Apply',
  );
  const ownedByOthers = new Set(
    list
      .filter(e => e !== previous)
      .flatMap(e => fromFieldsV1(e.fieldsV1))
      .map(keyOf),
  );
  if (previous) {
    for (const p of fromFieldsV1(previous.fieldsV1)) {
      const k = keyOf(p);
      if (!appliedKeys.has(k) && !ownedByOthers.has(k)) removePath(merged, p);
    }
  }

  const next: ManagedFieldsEntry[] = [];
  for (const e of list) {
    if (e === previous) continue;
    const kept = fromFieldsV1(e.fieldsV1).filter(
      p => !conflictKeys.has(keyOf(p)),
    );
    next.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  next.push({
    manager,
    operation: 'Apply',
    apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(appliedPaths),
  });
  setEntries(merged, next);
  return { object: merged, conflicts: [] };
}

/**
 * Records an Update-operation write (create, patch, update): the manager
 * takes ownership of every field it changed, other managers lose them.
 */
export function recordUpdate(
  before: JsonObject | undefined,
  after: JsonObject,
  manager: string,
  apiVersion: string,
  now: string,
): void {
  const afterPaths = fieldPaths(after);
  const afterKeys = new Set(afterPaths.map(keyOf));
  const changed = afterPaths.filter(
    p => !before || !deepEqual(valueAt(before, p), valueAt(after, p)),
  );
  const changedKeys = new Set(changed.map(keyOf));
  const list = entries(before);
  if (changed.length === 0 && list.length === 0) return;
  const next: ManagedFieldsEntry[] = [];
  let mine: FieldPath[] = [];
  for (const e of list) {
    const paths = fromFieldsV1(e.fieldsV1).filter(p => afterKeys.has(keyOf(p)));
    if (e.manager === manager && e.operation === 'Update') {
      mine = paths;
      continue;
    }
    next.push({
      ...e,
      fieldsV1: toFieldsV1(paths.filter(p => !changedKeys.has(keyOf(p)))),
    });
  }
  const mineKeys = new Set(mine.map(keyOf));
  for (const p of changed) if (!mineKeys.has(keyOf(p))) mine.push(p);
  if (mine.length > 0) {
    next.push({
      manager,
      operation: 'Update',
      apiVersion,
      time: now,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(mine),
    });
  }
  setEntries(after, next);
}
