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

import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fieldPaths, toFieldsV1 } from '../k8s/managedFields';
import { isObject, JsonObject } from '../k8s/patch';

/** The seed directory shipped with the package. */
export const SEED_ROOT = path.join(
  path.dirname(require.resolve('@meshlens/demo-cluster/package.json')),
  'seed',
);

/** Reads every object of a cluster's seed directory, files in name order, `List`s flattened. */
export function readSeed(dir: string): JsonObject[] {
  const files = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const out: JsonObject[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new Error(`seed ${f}: ${doc.errors[0].message}`);
      }
      const value = doc.toJS() as unknown;
      if (!isObject(value)) continue;
      if (value.kind === 'List' && Array.isArray(value.items)) {
        for (const item of value.items) if (isObject(item)) out.push(item);
      } else {
        out.push(value);
      }
    }
  }
  return out;
}

/**
 * Gives a seeded object the managedFields its installer would have left:
 * charts' objects (label `app.kubernetes.io/managed-by: Helm`) owned by
 * manager `helm`, others by `kubectl-client-side-apply`, both owning every
 * field they wrote (seeded pods and ReplicaSets: the controller manager).
 * A seed that lists managedFields keeps its own.
 */
export function withSeedManagedFields(
  obj: JsonObject,
  helmOperation: 'Update' | 'Apply',
): JsonObject {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  if (meta.managedFields !== undefined) return obj;
  const labels = isObject(meta.labels) ? meta.labels : {};
  const helm = labels['app.kubernetes.io/managed-by'] === 'Helm';
  const controllerMade = obj.kind === 'Pod' || obj.kind === 'ReplicaSet';
  let manager = helm ? 'helm' : 'kubectl-client-side-apply';
  if (controllerMade) manager = 'kube-controller-manager';
  const entry: JsonObject = {
    manager,
    operation: helm ? helmOperation : 'Update',
    apiVersion: String(obj.apiVersion ?? ''),
    time: String(meta.creationTimestamp ?? '2025-09-30T13:29:40Z'),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(fieldPaths(obj)),
  };
  return { ...obj, metadata: { ...meta, managedFields: [entry] } };
}
