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

import { Errors } from './status';
import { KubeObject } from './store';

/** The words of a real server's 410 for a continue token past compaction. */
export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  /** The revision of the first page, as etcd's continue key carries. */
  rv: number;
  /** The compaction epoch it was issued in: older epochs are compacted away. */
  epoch: number;
  /** The namespace and name of the last item returned. */
  start: [string, string];
}

const keyOf = (o: KubeObject): [string, string] => [
  o.metadata.namespace ?? '',
  o.metadata.name,
];

/** Whether a key sorts after another, in the store's order (namespace, then name). */
function after(a: [string, string], b: [string, string]): boolean {
  return a[0] === b[0] ? a[1] > b[1] : a[0] > b[0];
}

/**
 * Cuts lists into pages with continue tokens, and expires them the way
 * etcd compaction does: a token issued before the last compaction answers
 * 410 Expired. Compaction happens every
 * `compactionIntervalMs` (5 minutes, kube-apiserver's default), or on
 * `compact()`, which lets tests expire tokens at will.
 */
export class Pager {
  private epoch = 0;
  private lastCompaction: number;

  constructor(
    private readonly revision: () => number,
    private readonly nowMs: () => number,
    private readonly compactionIntervalMs = 5 * 60 * 1000,
  ) {
    this.lastCompaction = nowMs();
  }

  /** Compacts now: every continue token issued so far expires. */
  compact(): void {
    this.epoch += 1;
    this.lastCompaction = this.nowMs();
  }

  private maybeCompact(): void {
    if (this.nowMs() - this.lastCompaction >= this.compactionIntervalMs) {
      this.compact();
    }
  }

  /** One page of `items` (sorted by key) for `limit` and `continue`. */
  page(
    items: KubeObject[],
    limit: number,
    token: string | null,
  ): {
    items: KubeObject[];
    continue?: string;
    remainingItemCount?: number;
    resourceVersion?: string;
  } {
    this.maybeCompact();
    let rv = this.revision();
    let rest = items;
    if (token) {
      const t = decode(token);
      if (t.epoch < this.epoch) {
        throw Errors.expired(EXPIRED_CONTINUE_MESSAGE);
      }
      rv = t.rv;
      rest = items.filter(o => after(keyOf(o), t.start));
    }
    if (limit <= 0 || rest.length <= limit) {
      return { items: rest, resourceVersion: String(rv) };
    }
    const pageItems = rest.slice(0, limit);
    const next: ContinueToken = {
      rv,
      epoch: this.epoch,
      start: keyOf(pageItems[pageItems.length - 1]),
    };
    return {
      items: pageItems,
      continue: Buffer.from(
        JSON.stringify({ v: 'meshlens.demo/v1', ...next }),
      ).toString('base64url'),
      remainingItemCount: rest.length - limit,
      resourceVersion: String(rv),
    };
  }
}

function decode(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as Partial<ContinueToken> & { v?: string };
  if (
    !t ||
    t.v !== 'meshlens.demo/v1' ||
    typeof t.rv !== 'number' ||
    typeof t.epoch !== 'number' ||
    !Array.isArray(t.start) ||
    t.start.length !== 2 ||
    t.start.some(k => typeof k !== 'string')
  ) {
    // A real server answers 400 for a token it cannot decode; 410 is for
    // a well-formed token that compaction has outrun.
    throw Errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meshlens.demo/v1)',
    );
  }
  return t as ContinueToken;
}
