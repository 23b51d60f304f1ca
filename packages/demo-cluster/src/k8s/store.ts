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

import { randomUUID } from 'node:crypto';
import { deepClone, isObject, JsonObject } from './patch';
import {
  apiVersionOf,
  findResourceByKind,
  resourceKey,
  ResourceType,
} from './resources';

/** A stored Kubernetes object. */
export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** A change to the store, delivered to listeners after it happened. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  previous?: KubeObject;
}

/** Metadata accessor that tolerates missing fields. */
export function metaOf(obj: JsonObject): {
  name?: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const m = isObject(obj.metadata) ? obj.metadata : {};
  return {
    name: typeof m.name === 'string' ? m.name : undefined,
    namespace: typeof m.namespace === 'string' ? m.namespace : undefined,
    labels: (isObject(m.labels) ? m.labels : {}) as Record<string, string>,
    annotations: (isObject(m.annotations) ? m.annotations : {}) as Record<
      string,
      string
    >,
  };
}

/**
 * The in-memory object store of one demo cluster. Objects are kept in the
 * preferred version of their resource; every write bumps the cluster-wide
 * resourceVersion, as etcd's revision does.
 */
export class ObjectStore {
  /** Objects by resource, then namespace ('' for cluster-scoped), then name. */
  private readonly objects = new Map<
    string,
    Map<string, Map<string, KubeObject>>
  >();
  private revision = 1000;
  private readonly listeners: Array<(e: StoreEvent) => void> = [];
  private readonly pending: StoreEvent[] = [];
  private emitting = false;

  /** The current cluster-wide resourceVersion. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Registers a listener called synchronously after every write. */
  onChange(listener: (e: StoreEvent) => void): void {
    this.listeners.push(listener);
  }

  private bucket(r: ResourceType): Map<string, Map<string, KubeObject>> {
    const k = resourceKey(r.group, r.plural);
    let b = this.objects.get(k);
    if (!b) {
      b = new Map();
      this.objects.set(k, b);
    }
    return b;
  }

  private static namespaceOf(
    r: ResourceType,
    namespace: string | undefined,
  ): string {
    return r.namespaced ? namespace ?? '' : '';
  }

  /** Returns a copy of one object, or undefined. */
  get(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const o = this.bucket(r)
      .get(ObjectStore.namespaceOf(r, namespace))
      ?.get(name);
    return o ? deepClone(o) : undefined;
  }

  /**
   * Returns copies of all objects of a type, optionally in one namespace,
   * sorted like etcd keys (bytewise by namespace, then name). A namespace's
   * list reads only that namespace, so controllers stay linear in the size
   * of a namespace rather than of the cluster.
   */
  list(r: ResourceType, namespace?: string): KubeObject[] {
    const bucket = this.bucket(r);
    const namespaces = namespace
      ? [namespace]
      : [...bucket.keys()].sort(bytewise);
    const out: KubeObject[] = [];
    for (const ns of namespaces) {
      const objects = bucket.get(ns);
      if (!objects) continue;
      for (const name of [...objects.keys()].sort(bytewise)) {
        out.push(deepClone(objects.get(name)!));
      }
    }
    return out;
  }

  /** Fills server-set metadata of a new object without storing it. */
  prepareNew(r: ResourceType, obj: JsonObject, now: Date): KubeObject {
    const o = deepClone(obj) as KubeObject;
    o.apiVersion = apiVersionOf(r.group, r.versions[0]);
    o.kind = r.kind;
    const m = o.metadata;
    if (!r.namespaced) delete m.namespace;
    m.uid = randomUUID();
    m.creationTimestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (
      ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(
        r.kind,
      ) ||
      (r.group.includes('.') && r.group !== 'coordination.k8s.io')
    ) {
      m.generation = 1;
    }
    return o;
  }

  /** Stores a new or changed object, bumping resourceVersion; returns a copy. */
  put(r: ResourceType, obj: KubeObject): KubeObject {
    const ns = ObjectStore.namespaceOf(r, obj.metadata.namespace);
    const bucket = this.bucket(r);
    let objects = bucket.get(ns);
    if (!objects) {
      objects = new Map();
      bucket.set(ns, objects);
    }
    const previous = objects.get(obj.metadata.name);
    const stored = deepClone(obj);
    this.revision += 1;
    stored.metadata.resourceVersion = String(this.revision);
    objects.set(obj.metadata.name, stored);
    const copy = deepClone(stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      resource: r,
      object: deepClone(stored),
      previous: previous ? deepClone(previous) : undefined,
    });
    return copy;
  }

  /** Removes an object; returns the removed copy. */
  remove(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const ns = ObjectStore.namespaceOf(r, namespace);
    const objects = this.bucket(r).get(ns);
    const previous = objects?.get(name);
    if (!objects || !previous) return undefined;
    objects.delete(name);
    if (objects.size === 0) this.bucket(r).delete(ns);
    this.revision += 1;
    // A delete event carries the revision of the delete, as etcd's does.
    const deleted = deepClone(previous);
    deleted.metadata.resourceVersion = String(this.revision);
    this.emit({ type: 'DELETED', resource: r, object: deleted });
    return deepClone(previous);
  }

  /** Loads an object as-is from seed data (keeps a given uid and timestamp). */
  seed(obj: JsonObject, now: Date): KubeObject {
    const apiVersion = String(obj.apiVersion ?? '');
    const kind = String(obj.kind ?? '');
    const r = findResourceByKind(apiVersion, kind);
    if (!r) throw new Error(`seed: unknown resource ${apiVersion} ${kind}`);
    const prepared = this.prepareNew(r, obj, now);
    const m = metaOf(obj);
    const given = isObject(obj.metadata) ? obj.metadata : {};
    if (typeof given.uid === 'string') prepared.metadata.uid = given.uid;
    if (typeof given.creationTimestamp === 'string') {
      prepared.metadata.creationTimestamp = given.creationTimestamp;
    }
    if (!m.name) throw new Error(`seed: ${kind} without a name`);
    return this.put(r, prepared);
  }

  /** Every stored object of every type. */
  all(): Array<{ resource: ResourceType; object: KubeObject }> {
    const out: Array<{ resource: ResourceType; object: KubeObject }> = [];
    for (const b of this.objects.values()) {
      for (const o of [...b.values()].flatMap(objects => [
        ...objects.values(),
      ])) {
        const r = findResourceByKind(o.apiVersion, o.kind);
        if (r) out.push({ resource: r, object: deepClone(o) });
      }
    }
    return out;
  }

  /**
   * Delivers events in revision order: a write a listener makes while
   * handling an event is delivered after that event reached every listener
   * (before the outermost write returns), so watchers see revisions rise.
   */
  private emit(e: StoreEvent): void {
    this.pending.push(e);
    if (this.emitting) return;
    this.emitting = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const l of this.listeners) l(next);
      }
    } finally {
      this.emitting = false;
      this.pending.length = 0;
    }
  }
}

function bytewise(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
