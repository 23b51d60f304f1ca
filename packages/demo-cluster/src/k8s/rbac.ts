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
import { parseAllDocuments } from 'yaml';
import { isObject, JsonObject } from './patch';
import { Errors, StatusError } from './status';

/** One PolicyRule of a Role or ClusterRole (the subset the demo enforces). */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface Binding {
  /** Undefined for a ClusterRoleBinding: the rules apply in every namespace. */
  namespace?: string;
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
  subjects: Array<{ kind: string; name: string; namespace?: string }>;
}

/** Roles and bindings read from a manifest: what RBAC mode enforces. */
export interface RbacPolicy {
  clusterRoles: Map<string, PolicyRule[]>;
  /** Keyed `namespace/name`. */
  roles: Map<string, PolicyRule[]>;
  bindings: Binding[];
}

/** What a request asks for, in the authorizer's terms. */
export interface ResourceAttributes {
  verb: string;
  apiGroup: string;
  /** The plural, e.g. `secrets`. */
  resource: string;
  namespace?: string;
  name?: string;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

function rulesOf(doc: JsonObject, where: string): PolicyRule[] {
  if (doc.aggregationRule !== undefined) {
    throw new Error(
      `${where}: aggregationRule is not supported by the demo's RBAC mode; list the rules`,
    );
  }
  const rules = Array.isArray(doc.rules) ? doc.rules : [];
  return rules.map((r, i) => {
    if (!isObject(r)) throw new Error(`${where}: rules[${i}] is not an object`);
    if (r.nonResourceURLs !== undefined) {
      throw new Error(
        `${where}: rules[${i}] has nonResourceURLs; the demo allows discovery to every user and enforces resource rules only`,
      );
    }
    const rule: PolicyRule = {
      apiGroups: strings(r.apiGroups),
      resources: strings(r.resources),
      verbs: strings(r.verbs),
    };
    if (r.resourceNames !== undefined)
      rule.resourceNames = strings(r.resourceNames);
    if (rule.verbs.length === 0 || rule.resources.length === 0) {
      throw new Error(`${where}: rules[${i}] needs verbs and resources`);
    }
    return rule;
  });
}

/** Reads ClusterRoles, Roles and their bindings from parsed manifest documents. */
export function rbacPolicyFromObjects(docs: JsonObject[]): RbacPolicy {
  const policy: RbacPolicy = {
    clusterRoles: new Map(),
    roles: new Map(),
    bindings: [],
  };
  for (const doc of docs) {
    const kind = String(doc.kind ?? '');
    const meta = isObject(doc.metadata) ? doc.metadata : {};
    const name = String(meta.name ?? '');
    const where = `${kind} "${name}"`;
    if (kind === 'ClusterRole') {
      policy.clusterRoles.set(name, rulesOf(doc, where));
    } else if (kind === 'Role') {
      policy.roles.set(
        `${String(meta.namespace)}/${name}`,
        rulesOf(doc, where),
      );
    } else if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') {
      const ref = isObject(doc.roleRef) ? doc.roleRef : {};
      if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') {
        throw new Error(`${where}: roleRef.kind must be Role or ClusterRole`);
      }
      if (kind === 'ClusterRoleBinding' && ref.kind === 'Role') {
        throw new Error(`${where}: a ClusterRoleBinding cannot bind a Role`);
      }
      policy.bindings.push({
        namespace:
          kind === 'RoleBinding' ? String(meta.namespace ?? '') : undefined,
        roleRef: { kind: ref.kind, name: String(ref.name ?? '') },
        subjects: (Array.isArray(doc.subjects) ? doc.subjects : [])
          .filter(isObject)
          .map(s => ({
            kind: String(s.kind),
            name: String(s.name),
            namespace:
              typeof s.namespace === 'string' ? s.namespace : undefined,
          })),
      });
    }
  }
  return policy;
}

/** Reads an RBAC manifest file (YAML, several documents, `List`s allowed). */
export function loadRbacManifest(file: string): RbacPolicy {
  const docs: JsonObject[] = [];
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) {
      throw new Error(`${file}: ${doc.errors[0].message}`);
    }
    const value = doc.toJS() as unknown;
    if (!isObject(value)) continue;
    if (value.kind === 'List' && Array.isArray(value.items)) {
      docs.push(...value.items.filter(isObject));
    } else docs.push(value);
  }
  return rbacPolicyFromObjects(docs);
}

/** The groups Kubernetes puts an authenticated user in. */
function groupsOf(user: string): string[] {
  const groups = ['system:authenticated'];
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user);
  if (sa)
    groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  return groups;
}

function subjectMatches(
  s: Binding['subjects'][number],
  user: string,
  groups: string[],
): boolean {
  if (s.kind === 'User') return s.name === user;
  if (s.kind === 'Group') return groups.includes(s.name);
  if (s.kind === 'ServiceAccount') {
    return user === `system:serviceaccount:${s.namespace ?? ''}:${s.name}`;
  }
  return false;
}

const hits = (list: string[], value: string) =>
  list.includes('*') || list.includes(value);

function ruleAllows(rule: PolicyRule, a: ResourceAttributes): boolean {
  if (!hits(rule.verbs, a.verb)) return false;
  if (!hits(rule.apiGroups, a.apiGroup)) return false;
  if (!hits(rule.resources, a.resource)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    // As in Kubernetes: a named rule never grants list, watch or create.
    return a.name !== undefined && rule.resourceNames.includes(a.name);
  }
  return true;
}

/** Whether the policy allows a user a request. */
export function rbacAllows(
  policy: RbacPolicy,
  user: string,
  a: ResourceAttributes,
): boolean {
  const groups = groupsOf(user);
  for (const b of policy.bindings) {
    if (!b.subjects.some(s => subjectMatches(s, user, groups))) continue;
    if (b.namespace !== undefined && b.namespace !== a.namespace) continue;
    const rules =
      b.roleRef.kind === 'ClusterRole'
        ? policy.clusterRoles.get(b.roleRef.name)
        : policy.roles.get(`${b.namespace}/${b.roleRef.name}`);
    if (rules?.some(r => ruleAllows(r, a))) return true;
  }
  return false;
}

/** The 403 a real API server sends, in its words. */
export function forbidden(user: string, a: ResourceAttributes): StatusError {
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const scope = a.namespace
    ? `in the namespace "${a.namespace}"`
    : 'at the cluster scope';
  return Errors.forbidden(
    `${subject} is forbidden: User "${user}" cannot ${a.verb} resource "${a.resource}" in API group "${a.apiGroup}" ${scope}`,
    {
      ...(a.name ? { name: a.name } : {}),
      ...(a.apiGroup ? { group: a.apiGroup } : {}),
      kind: a.resource,
    },
  );
}
