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

import http from 'node:http';
import { resourceKey, ResourceType } from './resources';
import { Errors, StatusError } from './status';
import { KubeObject, ObjectStore, StoreEvent } from './store';

/** One event of a watch stream, before it is put in the route's version. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface Recorded extends WatchEvent {
  rv: number;
  key: string;
}

/** What one watch asks for. */
export interface WatchRequest {
  resource: ResourceType;
  namespace?: string;
  /** Label and field selectors, already parsed. */
  matches(o: KubeObject): boolean;
  /** Undefined, '' or '0': the current state first, as synthetic ADDED events. */
  resourceVersion?: string;
  send(e: WatchEvent): void;
}

/**
 * The store's recent history (like the watch cache in front of etcd), and
 * the watches that follow it. A watch from a resourceVersion older than the
 * history answers 410 Expired ("too old resource version"), as a real
 * server does once etcd has compacted that revision.
 */
export class WatchHub {
  private readonly history: Recorded[] = [];
  private readonly watchers = new Set<(e: Recorded) => void>();
  private oldest: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly capacity = 10_000,
  ) {
    this.oldest = Number(store.resourceVersion);
    store.onChange(e => this.record(e));
  }

  private record(e: StoreEvent): void {
    const rv = Number(e.object.metadata.resourceVersion);
    const event: Recorded = {
      type: e.type,
      object: e.object,
      rv,
      key: resourceKey(e.resource.group, e.resource.plural),
    };
    this.history.push(event);
    if (this.history.length > this.capacity) {
      this.oldest = this.history.shift()!.rv;
    }
    for (const w of this.watchers) w(event);
  }

  /** Starts a watch; returns the function that stops it. */
  watch(request: WatchRequest): () => void {
    const key = resourceKey(request.resource.group, request.resource.plural);
    const wanted = (e: Recorded) =>
      e.key === key &&
      (request.namespace === undefined ||
        e.object.metadata.namespace === request.namespace) &&
      request.matches(e.object);
    const rv = request.resourceVersion;
    if (!rv || rv === '0') {
      for (const object of this.store.list(
        request.resource,
        request.namespace,
      )) {
        if (request.matches(object)) request.send({ type: 'ADDED', object });
      }
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) {
        throw Errors.badRequest(
          `resourceVersion: Invalid value: "${rv}": must be a number`,
        );
      }
      if (from < this.oldest) {
        throw Errors.expired(
          `too old resource version: ${from} (${this.oldest})`,
        );
      }
      for (const e of this.history) {
        if (e.rv > from && wanted(e))
          request.send({ type: e.type, object: e.object });
      }
    }
    const watcher = (e: Recorded) => {
      if (wanted(e)) request.send({ type: e.type, object: e.object });
    };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }
}

/**
 * Serves a watch over HTTP: a stream of JSON lines `{"type","object"}`
 * until `timeoutSeconds` (default 30 minutes) or the client goes. A
 * resourceVersion older than the history gets one ERROR event with a 410
 * Expired Status, as a real server's watch cache answers (status 200).
 */
export function serveWatch(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  hub: WatchHub,
  options: {
    resource: ResourceType;
    namespace?: string;
    matches(o: KubeObject): boolean;
    query: URLSearchParams;
    toVersion(o: KubeObject): unknown;
  },
): void {
  const timeout = Number(options.query.get('timeoutSeconds') ?? 1800);
  const write = (e: { type: string; object: unknown }) =>
    res.write(`${JSON.stringify(e)}\n`);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  let stop: () => void;
  try {
    stop = hub.watch({
      resource: options.resource,
      namespace: options.namespace,
      matches: options.matches,
      resourceVersion: options.query.get('resourceVersion') ?? undefined,
      send: e => write({ type: e.type, object: options.toVersion(e.object) }),
    });
  } catch (e) {
    if (!(e instanceof StatusError)) throw e;
    write({ type: 'ERROR', object: e.body });
    res.end();
    return;
  }
  const timer = setTimeout(
    () => res.end(),
    (Number.isFinite(timeout) && timeout > 0 ? timeout : 1800) * 1000,
  );
  timer.unref();
  const finish = () => {
    clearTimeout(timer);
    stop();
  };
  res.on('close', finish);
  req.on('close', finish);
}
