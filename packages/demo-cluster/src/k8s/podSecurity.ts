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

import { AdmissionPlugin } from './admission';
import { isObject, JsonObject } from './patch';
import { findResource } from './resources';
import { Errors } from './status';
import { metaOf } from './store';

/*
 * A subset of the Pod Security admission checks (k8s.io/pod-security-admission),
 * with its reasons and details word for word, in its order (by check id).
 * Enough to refuse what meshes inject: init containers adding NET_ADMIN/NET_RAW.
 */

type Level = 'baseline' | 'restricted';

interface Container {
  name: string;
  sc: JsonObject;
  ports: JsonObject[];
}

interface Violation {
  reason: string;
  detail: string;
}

/** Capabilities the baseline level allows to add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});
const joinQuote = (items: string[]) =>
  items.map(i => JSON.stringify(i)).join(', ');
const containerWord = (names: string[]) =>
  `${names.length === 1 ? 'container' : 'containers'} ${joinQuote(names)}`;

function containersOf(spec: JsonObject): Container[] {
  // Kubernetes visits init containers first, then containers.
  return ['initContainers', 'containers'].flatMap(key =>
    (Array.isArray(spec[key]) ? (spec[key] as unknown[]) : [])
      .filter(isObject)
      .map(c => ({
        name: String(c.name ?? ''),
        sc: obj(c.securityContext),
        ports: (Array.isArray(c.ports) ? c.ports : []).filter(isObject),
      })),
  );
}

function addedCapabilities(c: Container): string[] {
  const add = obj(c.sc.capabilities).add;
  return Array.isArray(add) ? add.map(String) : [];
}

function check(level: Level, spec: JsonObject): Violation[] {
  const containers = containersOf(spec);
  const podSc = obj(spec.securityContext);
  const out: Violation[] = [];
  const restricted = level === 'restricted';

  if (restricted) {
    const bad = containers.filter(c => c.sc.allowPrivilegeEscalation !== false);
    if (bad.length > 0) {
      out.push({
        reason: 'allowPrivilegeEscalation != false',
        detail: `${containerWord(
          bad.map(c => c.name),
        )} must set securityContext.allowPrivilegeEscalation=false`,
      });
    }
  }

  if (!restricted) {
    const caps = new Set<string>();
    const bad: string[] = [];
    for (const c of containers) {
      const extra = addedCapabilities(c).filter(
        x => !BASELINE_CAPABILITIES.has(x),
      );
      if (extra.length === 0) continue;
      bad.push(c.name);
      extra.forEach(x => caps.add(x));
    }
    if (bad.length > 0) {
      out.push({
        reason: 'non-default capabilities',
        detail: `${containerWord(bad)} must not include ${joinQuote(
          [...caps].sort(),
        )} in securityContext.capabilities.add`,
      });
    }
  } else {
    const noDropAll: string[] = [];
    const badAdd: string[] = [];
    const caps = new Set<string>();
    for (const c of containers) {
      const drop = obj(c.sc.capabilities).drop;
      if (!Array.isArray(drop) || !drop.includes('ALL')) noDropAll.push(c.name);
      const extra = addedCapabilities(c).filter(x => x !== 'NET_BIND_SERVICE');
      if (extra.length > 0) {
        badAdd.push(c.name);
        extra.forEach(x => caps.add(x));
      }
    }
    const details: string[] = [];
    if (noDropAll.length > 0) {
      details.push(
        `${containerWord(
          noDropAll,
        )} must set securityContext.capabilities.drop=["ALL"]`,
      );
    }
    if (badAdd.length > 0) {
      details.push(
        `${containerWord(badAdd)} must not include ${joinQuote(
          [...caps].sort(),
        )} in securityContext.capabilities.add`,
      );
    }
    if (details.length > 0) {
      out.push({
        reason: 'unrestricted capabilities',
        detail: details.join('; '),
      });
    }
  }

  const hostNs = ['hostNetwork', 'hostPID', 'hostIPC'].filter(
    k => spec[k] === true,
  );
  if (hostNs.length > 0) {
    out.push({
      reason: 'host namespaces',
      detail: hostNs.map(k => `${k}=true`).join(', '),
    });
  }

  const hostPaths = (Array.isArray(spec.volumes) ? spec.volumes : [])
    .filter(isObject)
    .filter(v => v.hostPath !== undefined)
    .map(v => String(v.name));
  if (hostPaths.length > 0) {
    out.push({
      reason: 'hostPath volumes',
      detail: `${hostPaths.length === 1 ? 'volume' : 'volumes'} ${joinQuote(
        hostPaths,
      )}`,
    });
  }

  const hostPortDetails: string[] = [];
  for (const c of containers) {
    const ports = c.ports
      .map(p => Number(p.hostPort ?? 0))
      .filter(p => p !== 0);
    if (ports.length > 0) {
      hostPortDetails.push(
        `container ${JSON.stringify(c.name)} uses ${
          ports.length === 1 ? 'hostPort' : 'hostPorts'
        } ${ports.join(', ')}`,
      );
    }
  }
  if (hostPortDetails.length > 0) {
    out.push({ reason: 'hostPort', detail: hostPortDetails.join(', ') });
  }

  const privileged = containers.filter(c => c.sc.privileged === true);
  if (privileged.length > 0) {
    out.push({
      reason: 'privileged',
      detail: `${containerWord(
        privileged.map(c => c.name),
      )} must not set securityContext.privileged=true`,
    });
  }

  if (restricted) {
    const podNonRoot = podSc.runAsNonRoot === true;
    const setFalse = containers.filter(c => c.sc.runAsNonRoot === false);
    const unset = containers.filter(c => c.sc.runAsNonRoot === undefined);
    const details: string[] = [];
    if (podSc.runAsNonRoot === false) {
      details.push('pod must not set securityContext.runAsNonRoot=false');
    }
    if (setFalse.length > 0) {
      details.push(
        `${containerWord(
          setFalse.map(c => c.name),
        )} must not set securityContext.runAsNonRoot=false`,
      );
    }
    if (!podNonRoot && unset.length > 0) {
      details.push(
        `pod or ${containerWord(
          unset.map(c => c.name),
        )} must set securityContext.runAsNonRoot=true`,
      );
    }
    if (details.length > 0) {
      out.push({ reason: 'runAsNonRoot != true', detail: details.join('; ') });
    }

    const okType = (sc: JsonObject) => {
      const t = obj(sc.seccompProfile).type;
      return t === 'RuntimeDefault' || t === 'Localhost';
    };
    if (!okType(podSc)) {
      const bad = containers.filter(c => !okType(c.sc));
      if (bad.length > 0) {
        out.push({
          reason: 'seccompProfile',
          detail: `pod or ${containerWord(
            bad.map(c => c.name),
          )} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        });
      }
    }
  }
  return out;
}

/** The namespace label that sets the enforced level. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Pod Security admission, enforcing each namespace's `enforce` label on pod creation. */
export const podSecurityAdmission: AdmissionPlugin = {
  name: 'PodSecurity',
  validate(request) {
    const { resource, object } = request;
    if (resource.group !== '' || resource.kind !== 'Pod') return undefined;
    if (request.operation !== 'CREATE' || !object) return undefined;
    const nsType = findResource('', 'v1', 'namespaces')!;
    const ns = request.store.get(nsType, undefined, request.namespace ?? '');
    const labels = ns ? metaOf(ns).labels : {};
    const level = labels[ENFORCE_LABEL];
    if (level !== 'baseline' && level !== 'restricted') return undefined;
    const version =
      labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest';
    const violations = check(level, obj(object.spec));
    if (violations.length === 0) return undefined;
    return Errors.forbidden(
      `pods "${
        request.name
      }" is forbidden: violates PodSecurity "${level}:${version}": ${violations
        .map(v => `${v.reason} (${v.detail})`)
        .join(', ')}`,
      { name: request.name, kind: 'pods' },
    );
  },
};
