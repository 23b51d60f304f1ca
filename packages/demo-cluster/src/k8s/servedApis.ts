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
  apiVersionOf,
  RESOURCE_TYPES,
  RESOURCE_VERBS,
  ResourceType,
} from './resources';

/**
 * A CRD version a cluster serves, written `group/version/plural`, e.g.
 * `security.istio.io/v1beta1/peerauthentications`.
 */
export type CrdVersionRef = string;

/** Every CRD version the demo knows, in `group/version/plural` form. */
export const ALL_CRD_VERSIONS: CrdVersionRef[] = RESOURCE_TYPES.filter(
  r => r.crd,
).flatMap(r => r.versions.map(v => `${r.group}/${v}/${r.plural}`));

/**
 * The resource types and versions one cluster serves: every built-in type,
 * and of the CRDs only those its configuration names. What it does not
 * serve answers 404 in discovery and on the resource paths, as a cluster
 * without that CRD (or that version of it) does.
 */
export class ServedApis {
  private readonly types: ResourceType[];

  /** `crds` undefined: every CRD version the demo knows. */
  constructor(crds?: CrdVersionRef[]) {
    if (!crds) {
      this.types = RESOURCE_TYPES;
      return;
    }
    const wanted = new Set(crds);
    for (const ref of wanted) {
      if (!ALL_CRD_VERSIONS.includes(ref)) {
        throw new Error(
          `unknown CRD version "${ref}": write group/version/plural, one of ${ALL_CRD_VERSIONS.join(
            ', ',
          )}`,
        );
      }
    }
    this.types = RESOURCE_TYPES.flatMap(r => {
      if (!r.crd) return [r];
      const versions = r.versions.filter(v =>
        wanted.has(`${r.group}/${v}/${r.plural}`),
      );
      return versions.length > 0 ? [{ ...r, versions }] : [];
    });
  }

  /** The served type for a group, version and plural, or undefined. */
  find(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    return this.types.find(
      r =>
        r.group === group &&
        r.plural === plural &&
        r.versions.includes(version),
    );
  }

  /** The APIGroup entries of /apis, each with its served versions. */
  groupList() {
    const groups = new Map<string, string[]>();
    for (const r of this.types) {
      if (!r.group) continue;
      const vs = groups.get(r.group) ?? [];
      for (const v of r.versions) if (!vs.includes(v)) vs.push(v);
      groups.set(r.group, vs);
    }
    return [...groups.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map(v => ({
        groupVersion: `${name}/${v}`,
        version: v,
      })),
      preferredVersion: {
        groupVersion: `${name}/${versions[0]}`,
        version: versions[0],
      },
    }));
  }

  /** The APIResourceList of one group version, or undefined when not served. */
  resourceList(group: string, version: string) {
    const resources = this.types
      .filter(r => r.group === group && r.versions.includes(version))
      .map(r => ({
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: RESOURCE_VERBS,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      }));
    return resources.length === 0
      ? undefined
      : {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: apiVersionOf(group, version),
          resources,
        };
  }
}
