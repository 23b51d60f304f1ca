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

import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { deepClone, deepEqual, isObject, Json, JsonObject } from '../k8s/patch';
import { findResource, ResourceType } from '../k8s/resources';
import { admit, AdmissionPlugin } from '../k8s/admission';
import { StatusError } from '../k8s/status';
import { KubeObject, metaOf, ObjectStore, StoreEvent } from '../k8s/store';
import {
  deploymentStatus,
  failureOf,
  isPodReady,
  replicaFailure,
  replicaSetStatus,
} from './rolloutStatus';
import {
  injectIstioSidecar,
  injectLinkerd,
  istioAmbientEnabled,
  istioSidecarEnabled,
  linkerdInjectionEnabled,
  markAmbient,
  MeshInstall,
} from './injection';

const r = (group: string, version: string, plural: string): ResourceType =>
  findResource(group, version, plural)!;

export const RT = {
  namespace: r('', 'v1', 'namespaces'),
  pod: r('', 'v1', 'pods'),
  configMap: r('', 'v1', 'configmaps'),
  deployment: r('apps', 'v1', 'deployments'),
  replicaSet: r('apps', 'v1', 'replicasets'),
  daemonSet: r('apps', 'v1', 'daemonsets'),
};

/** A Ready/ContainersReady condition's status, as the kubelet words it. */
function readiness(ready: boolean): JsonObject {
  return ready
    ? { status: 'True' }
    : { status: 'False', reason: 'ContainersNotReady' };
}

/** A pod status once its readiness probes pass. */
function markReady(status: JsonObject, at: string): JsonObject {
  const conditions = (
    Array.isArray(status.conditions) ? status.conditions : []
  ).map(c => {
    if (!isObject(c) || (c.type !== 'Ready' && c.type !== 'ContainersReady'))
      return c;
    return {
      type: c.type,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: at,
    };
  });
  const containerStatuses = (
    Array.isArray(status.containerStatuses) ? status.containerStatuses : []
  ).map(c => (isObject(c) ? { ...c, ready: true } : c));
  return { ...status, conditions, containerStatuses };
}

/** Characters Kubernetes uses for generated name suffixes. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic PRNG (mulberry32), so seeded pod names stay the same across restarts. */
export function seededRandom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pod-template-hash of a template, in Kubernetes' alphabet. */
export function templateHash(template: Json | undefined): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += SAFE[digest[i] % SAFE.length];
  return out;
}

function ts(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ownerRef(o: KubeObject, kind: string): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function ownedBy(o: KubeObject, uid: string): boolean {
  const refs = o.metadata.ownerReferences;
  return Array.isArray(refs) && refs.some(x => isObject(x) && x.uid === uid);
}

/** Options of the workload controller. */
export interface ControllerOptions {
  nodes: string[];
  /** First three octets of pod IPs, e.g. "10.42.1". */
  podIpPrefix: string;
  random: () => number;
  now: () => Date;
  /** Admission run on every pod the controller creates, as the API server would. */
  admission?: AdmissionPlugin[];
  /**
   * Milliseconds a new pod of a namespace stays unready after creation
   * (default 0: ready at once). Seeded pods are always ready.
   */
  readyDelayMs?: (namespace: string) => number;
}

/**
 * Plays the controllers and webhooks a demo needs: Deployment →
 * ReplicaSet → Pods (with mesh injection at pod creation), DaemonSet →
 * Pods, rollout restarts, and istiod's istio-ca-root-cert in every namespace.
 */
export class WorkloadController {
  private ipCounter = 10;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ControllerOptions,
  ) {}

  /** Reads what is installed from the store (linkerd-config, istiod). */
  meshInstall(): MeshInstall {
    const install: MeshInstall = {};
    for (const cm of this.store.list(RT.configMap)) {
      if (cm.metadata.name !== 'linkerd-config') continue;
      const values = isObject(cm.data) ? cm.data.values : undefined;
      const parsed = typeof values === 'string' ? parseYaml(values) : {};
      const ns = cm.metadata.namespace ?? 'linkerd';
      const roots = this.store.get(
        RT.configMap,
        ns,
        'linkerd-identity-trust-roots',
      );
      const bundle = isObject(roots?.data)
        ? String(roots!.data['ca-bundle.crt'] ?? '')
        : '';
      install.linkerd = {
        version: String(parsed?.linkerdVersion ?? 'unknown'),
        controlPlaneNamespace: String(parsed?.controllerNamespace ?? ns),
        trustRootSha256: createHash('sha256').update(bundle).digest('hex'),
        proxyVersion: String(
          parsed?.proxy?.image?.version ?? parsed?.linkerdVersion ?? '',
        ),
      };
    }
    const istiod = this.store
      .list(RT.deployment, 'istio-system')
      .find(d => metaOf(d).labels.app === 'istiod');
    if (istiod) {
      const containers = (istiod.spec as JsonObject)?.template as JsonObject;
      const image = String(
        (
          (((containers?.spec as JsonObject)?.containers as JsonObject[]) ??
            [])[0] ?? {}
        ).image ?? '',
      );
      const [hubAndName, version] = image.split(':');
      install.istio = {
        cni: ['istio-system', 'kube-system'].some(ns =>
          this.store
            .list(RT.daemonSet, ns)
            .some(d => metaOf(d).labels['k8s-app'] === 'istio-cni-node'),
        ),
        version: version ?? 'unknown',
        revision: metaOf(istiod).labels['istio.io/rev'] ?? 'default',
        hub: hubAndName.replace(/\/pilot$/, ''),
      };
    }
    return install;
  }

  private nextName(prefix: string): string {
    let suffix = '';
    for (let i = 0; i < 5; i++) {
      suffix += SAFE[Math.floor(this.options.random() * SAFE.length)];
    }
    return `${prefix}${suffix}`;
  }

  private nextIp(): string {
    this.ipCounter += 1;
    const third = Math.floor(this.ipCounter / 250);
    const [a, b, c] = this.options.podIpPrefix.split('.').map(Number);
    return `${a}.${b}.${c + third}.${(this.ipCounter % 250) + 2}`;
  }

  /** Builds and stores a pod from a template, running the webhooks on it. */
  createPod(
    owner: KubeObject,
    ownerKind: 'ReplicaSet' | 'DaemonSet',
    template: JsonObject,
    extraLabels: Record<string, string>,
    workload: { kind: string; name: string },
    node: string,
    created: Date,
    seeding = false,
  ): KubeObject {
    const namespace = owner.metadata.namespace!;
    const tmeta = isObject(template.metadata) ? template.metadata : {};
    const pod: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: this.nextName(`${owner.metadata.name}-`),
        generateName: `${owner.metadata.name}-`,
        namespace,
        labels: {
          ...(isObject(tmeta.labels) ? tmeta.labels : {}),
          ...extraLabels,
        },
        annotations: {
          ...(isObject(tmeta.annotations) ? tmeta.annotations : {}),
        },
        ownerReferences: [ownerRef(owner, ownerKind)],
      },
      spec: {
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        serviceAccount: 'default',
        serviceAccountName: 'default',
        terminationGracePeriodSeconds: 30,
        ...deepClone(isObject(template.spec) ? template.spec : {}),
        nodeName: node,
      },
    };
    const spec = pod.spec as JsonObject;
    if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
    const meta = metaOf(pod);
    if (Object.keys(meta.annotations).length === 0) {
      delete (pod.metadata as JsonObject).annotations;
    }
    const nsObj = this.store.get(RT.namespace, undefined, namespace);
    const nsMeta = nsObj ? metaOf(nsObj) : { labels: {}, annotations: {} };
    const install = this.meshInstall();
    const helmRenderedProxy =
      install.linkerd &&
      meta.labels['linkerd.io/control-plane-component'] !== undefined &&
      namespace === install.linkerd.controlPlaneNamespace;
    if (
      install.linkerd &&
      (helmRenderedProxy ||
        linkerdInjectionEnabled({ ...nsMeta, name: namespace }, meta))
    ) {
      injectLinkerd(pod, install.linkerd, workload);
    } else if (install.istio && istioSidecarEnabled(nsMeta, meta)) {
      injectIstioSidecar(pod, install.istio);
    } else if (install.istio && istioAmbientEnabled(nsMeta, meta)) {
      markAmbient(pod);
    }
    const delay = seeding ? 0 : this.options.readyDelayMs?.(namespace) ?? 0;
    pod.status = this.runningStatus(pod, node, created, delay === 0);
    const prepared = this.store.prepareNew(RT.pod, pod, created);
    admit(this.options.admission ?? [], {
      operation: 'CREATE',
      resource: RT.pod,
      namespace,
      name: prepared.metadata.name,
      object: prepared,
      dryRun: false,
      store: this.store,
    });
    const stored = this.store.put(RT.pod, prepared);
    if (delay > 0) this.becomeReadyLater(stored, delay, owner, ownerKind);
    return stored;
  }

  /** Marks a pod ready after a delay, then lets its owner's rollout go on. */
  private becomeReadyLater(
    pod: KubeObject,
    delay: number,
    owner: KubeObject,
    ownerKind: 'ReplicaSet' | 'DaemonSet',
  ): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const live = this.store.get(
        RT.pod,
        pod.metadata.namespace,
        pod.metadata.name,
      );
      if (!live) return;
      live.status = markReady(
        live.status as JsonObject,
        ts(this.options.now()),
      );
      this.store.put(RT.pod, live);
      if (ownerKind !== 'ReplicaSet') return;
      const deployment = this.deploymentOf(owner);
      if (deployment) this.settleRollout(deployment, undefined);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private deploymentOf(rs: KubeObject): KubeObject | undefined {
    const refs = rs.metadata.ownerReferences;
    const ref = Array.isArray(refs)
      ? refs.find(o => isObject(o) && o.kind === 'Deployment')
      : undefined;
    if (!isObject(ref)) return undefined;
    return this.store.get(
      RT.deployment,
      rs.metadata.namespace,
      String(ref.name),
    );
  }

  /** Cancels pending readiness timers. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private runningStatus(
    pod: JsonObject,
    node: string,
    started: Date,
    ready = true,
  ): JsonObject {
    const spec = pod.spec as JsonObject;
    const ip = this.nextIp();
    const t = ts(started);
    const statusOf = (c: Json) => {
      const co = isObject(c) ? c : {};
      return {
        name: co.name,
        image: co.image,
        imageID: '',
        containerID: `containerd://${createHash('sha256')
          .update(
            `${String((pod.metadata as JsonObject).name)}/${String(co.name)}`,
          )
          .digest('hex')}`,
        ready,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: t } },
      };
    };
    const init = Array.isArray(spec.initContainers) ? spec.initContainers : [];
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    const nodeIndex = Math.max(0, this.options.nodes.indexOf(node));
    return {
      phase: 'Running',
      conditions: [
        {
          type: 'PodReadyToStartContainers',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: t,
        },
        {
          type: 'Initialized',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: t,
        },
        {
          type: 'Ready',
          ...readiness(ready),
          lastProbeTime: null,
          lastTransitionTime: t,
        },
        {
          type: 'ContainersReady',
          ...readiness(ready),
          lastProbeTime: null,
          lastTransitionTime: t,
        },
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: t,
        },
      ],
      hostIP: `192.168.1.${11 + nodeIndex}`,
      hostIPs: [{ ip: `192.168.1.${11 + nodeIndex}` }],
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: 'BestEffort',
      startTime: t,
      ...(init.length > 0
        ? {
            initContainerStatuses: init.map(c => {
              const s = statusOf(c);
              const sidecar = isObject(c) && c.restartPolicy === 'Always';
              return sidecar
                ? s
                : {
                    ...s,
                    ready: true,
                    started: false,
                    state: {
                      terminated: {
                        exitCode: 0,
                        reason: 'Completed',
                        startedAt: t,
                        finishedAt: t,
                        containerID: s.containerID,
                      },
                    },
                  };
            }),
          }
        : {}),
      containerStatuses: containers.map(statusOf),
    };
  }

  private podsOf(owner: KubeObject): KubeObject[] {
    return this.store
      .list(RT.pod, owner.metadata.namespace)
      .filter(p => ownedBy(p, owner.metadata.uid));
  }

  /** Brings a Deployment's ReplicaSets and Pods in line with its spec. */
  reconcileDeployment(deployment: KubeObject, created?: Date): void {
    const spec = (deployment.spec ?? {}) as JsonObject;
    const template = deepClone((spec.template ?? {}) as JsonObject);
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const hash = templateHash(template);
    const ns = deployment.metadata.namespace!;
    const rsName = `${deployment.metadata.name}-${hash}`;
    const owned = this.store
      .list(RT.replicaSet, ns)
      .filter(rs => ownedBy(rs, deployment.metadata.uid));
    const when = created ?? this.options.now();
    let revision = 0;
    for (const rs of owned) {
      revision = Math.max(
        revision,
        Number(
          metaOf(rs).annotations['deployment.kubernetes.io/revision'] ?? 0,
        ),
      );
    }
    let current = owned.find(rs => rs.metadata.name === rsName);
    const tmeta = (template.metadata ?? {}) as JsonObject;
    const podLabels = {
      ...((tmeta.labels ?? {}) as Record<string, string>),
      'pod-template-hash': hash,
    };
    if (!current) {
      const rs = this.store.prepareNew(
        RT.replicaSet,
        {
          metadata: {
            name: rsName,
            namespace: ns,
            labels: podLabels,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(replicas),
              'deployment.kubernetes.io/max-replicas': String(
                replicas + Math.ceil(replicas / 4),
              ),
              'deployment.kubernetes.io/revision': String(revision + 1),
            },
            ownerReferences: [ownerRef(deployment, 'Deployment')],
          },
          spec: {
            replicas,
            selector: {
              matchLabels: {
                ...(((spec.selector as JsonObject)?.matchLabels ??
                  {}) as JsonObject),
                'pod-template-hash': hash,
              },
            },
            template: {
              ...template,
              metadata: { ...tmeta, labels: podLabels },
            },
          },
        },
        when,
      );
      current = this.store.put(RT.replicaSet, rs);
    } else if ((current.spec as JsonObject).replicas !== replicas) {
      current = this.store.put(RT.replicaSet, {
        ...current,
        spec: { ...(current.spec as JsonObject), replicas },
      });
    }
    const pods = this.podsOf(current);
    let failure: JsonObject | undefined;
    for (let i = pods.length; i < replicas; i++) {
      try {
        this.createPod(
          current,
          'ReplicaSet',
          (current.spec as JsonObject).template as JsonObject,
          {},
          { kind: 'Deployment', name: deployment.metadata.name },
          this.options.nodes[
            (i + this.options.nodes.length) % this.options.nodes.length
          ],
          when,
          created !== undefined,
        );
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        // As the ReplicaSet controller: the pod never exists, the
        // ReplicaSet says why.
        failure = replicaFailure(e.body.message ?? '', ts(when));
        break;
      }
    }
    for (const p of pods.slice(replicas))
      this.store.remove(RT.pod, ns, p.metadata.name);
    this.settleRollout(deployment, failure ?? null, when);
  }

  /**
   * Moves a rolling update on: once the new ReplicaSet's pods are all
   * ready, the old ReplicaSets go to zero; until then the old pods keep
   * serving. Writes the ReplicaSet and Deployment status.
   * `failure`: null clears it, undefined keeps the ReplicaSet's.
   */
  private settleRollout(
    deployment: KubeObject,
    failure: JsonObject | null | undefined,
    when = this.options.now(),
  ): void {
    const ns = deployment.metadata.namespace!;
    const fresh = this.store.get(RT.deployment, ns, deployment.metadata.name);
    if (!fresh) return;
    const spec = (fresh.spec ?? {}) as JsonObject;
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const rsName = `${fresh.metadata.name}-${templateHash(
      (spec.template ?? {}) as JsonObject,
    )}`;
    const owned = this.store
      .list(RT.replicaSet, ns)
      .filter(rs => ownedBy(rs, fresh.metadata.uid));
    const current = owned.find(rs => rs.metadata.name === rsName);
    if (!current) return;
    const newPods = this.podsOf(current);
    const kept =
      failure === undefined ? failureOf(current) : failure ?? undefined;
    const newReady =
      newPods.length >= replicas &&
      newPods.filter(isPodReady).length >= replicas;
    const oldPods: KubeObject[] = [];
    for (const rs of owned) {
      if (rs.metadata.name === rsName) continue;
      if (newReady) {
        for (const p of this.podsOf(rs))
          this.store.remove(RT.pod, ns, p.metadata.name);
        if ((rs.spec as JsonObject).replicas !== 0 || rs.status === undefined) {
          this.store.put(RT.replicaSet, {
            ...rs,
            spec: { ...(rs.spec as JsonObject), replicas: 0 },
            status: {
              replicas: 0,
              observedGeneration: rs.metadata.generation ?? 1,
            },
          });
        }
      } else {
        oldPods.push(...this.podsOf(rs));
      }
    }
    const latest = this.store.get(RT.replicaSet, ns, rsName)!;
    this.store.put(RT.replicaSet, {
      ...latest,
      status: replicaSetStatus(latest, newPods, kept),
    });
    const t = ts(when);
    const again = this.store.get(RT.deployment, ns, fresh.metadata.name);
    if (!again) return;
    this.store.put(RT.deployment, {
      ...again,
      metadata: {
        ...again.metadata,
        annotations: {
          ...metaOf(again).annotations,
          'deployment.kubernetes.io/revision': String(
            metaOf(latest).annotations['deployment.kubernetes.io/revision'] ??
              '1',
          ),
        },
      },
      status: deploymentStatus({
        deployment: again,
        replicas,
        newRsName: rsName,
        newPods,
        oldPods,
        failure: kept,
        at: t,
      }),
    });
  }

  /** Sets the status of a seeded Deployment whose pods came with the seed. */
  private refreshDeploymentStatus(deployment: KubeObject, when: Date): void {
    const rsList = this.store
      .list(RT.replicaSet, deployment.metadata.namespace)
      .filter(rs => ownedBy(rs, deployment.metadata.uid));
    const pods = rsList.flatMap(rs => this.podsOf(rs));
    const n = pods.length;
    const t = ts(when);
    const fresh = this.store.get(
      RT.deployment,
      deployment.metadata.namespace,
      deployment.metadata.name,
    );
    if (!fresh || fresh.status) return;
    this.store.put(RT.deployment, {
      ...fresh,
      status: {
        availableReplicas: n,
        readyReplicas: n,
        replicas: n,
        updatedReplicas: n,
        observedGeneration: fresh.metadata.generation ?? 1,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
            lastTransitionTime: t,
            lastUpdateTime: t,
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rsList[0]?.metadata.name}" has successfully progressed.`,
            lastTransitionTime: t,
            lastUpdateTime: t,
          },
        ],
      },
    });
  }

  /** Creates one pod per node for a DaemonSet that has none. */
  reconcileDaemonSet(ds: KubeObject, created?: Date): void {
    const existing = this.podsOf(ds);
    const spec = (ds.spec ?? {}) as JsonObject;
    const template = (spec.template ?? {}) as JsonObject;
    const hash = templateHash(template).slice(0, 10);
    const when = created ?? this.options.now();
    for (const node of this.options.nodes) {
      if (existing.some(p => (p.spec as JsonObject)?.nodeName === node))
        continue;
      try {
        this.createPod(
          ds,
          'DaemonSet',
          template,
          { 'controller-revision-hash': hash, 'pod-template-generation': '1' },
          { kind: 'DaemonSet', name: ds.metadata.name },
          node,
          when,
          created !== undefined,
        );
      } catch (e) {
        // A refused pod never exists; the DaemonSet just counts fewer.
        if (!(e instanceof StatusError)) throw e;
      }
    }
    const n = this.podsOf(ds).length;
    const fresh = this.store.get(
      RT.daemonSet,
      ds.metadata.namespace,
      ds.metadata.name,
    );
    if (fresh) {
      this.store.put(RT.daemonSet, {
        ...fresh,
        status: {
          currentNumberScheduled: n,
          desiredNumberScheduled: this.options.nodes.length,
          numberAvailable: n,
          numberMisscheduled: 0,
          numberReady: n,
          observedGeneration: fresh.metadata.generation ?? 1,
          updatedNumberScheduled: n,
        },
      });
    }
  }

  /** Creates istiod's root-cert ConfigMap in a namespace, as istiod does. */
  private ensureIstioRootCert(namespace: string): void {
    if (!this.meshInstall().istio) return;
    if (this.store.get(RT.configMap, namespace, 'istio-ca-root-cert')) return;
    const source = this.store.get(
      RT.configMap,
      'istio-system',
      'istio-ca-root-cert',
    );
    if (!source) return;
    this.store.put(
      RT.configMap,
      this.store.prepareNew(
        RT.configMap,
        {
          metadata: {
            name: 'istio-ca-root-cert',
            namespace,
            labels: { 'istio.io/config': 'true' },
          },
          data: deepClone(source.data ?? {}),
        },
        this.options.now(),
      ),
    );
  }

  /** Materialises pods for every seeded workload that has none yet. */
  materialise(created: Date): void {
    for (const ns of this.store.list(RT.namespace)) {
      this.ensureIstioRootCert(ns.metadata.name);
    }
    for (const d of this.store.list(RT.deployment)) {
      const hasRs = this.store
        .list(RT.replicaSet, d.metadata.namespace)
        .some(rs => ownedBy(rs, d.metadata.uid));
      if (!hasRs) this.reconcileDeployment(d, created);
      else this.refreshDeploymentStatus(d, created);
    }
    for (const ds of this.store.list(RT.daemonSet)) {
      this.reconcileDaemonSet(ds, created);
    }
  }

  /** Starts reacting to writes (call after seeding). */
  attach(): void {
    this.store.onChange(e => this.onChange(e));
  }

  private onChange(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (e.resource.group === 'apps' && kind === 'Deployment') {
      if (e.type === 'DELETED') return;
      const before = e.previous?.spec as JsonObject | undefined;
      const after = e.object.spec as JsonObject | undefined;
      if (
        !before ||
        !deepEqual(before.template, after?.template) ||
        before.replicas !== after?.replicas
      ) {
        this.reconcileDeployment(e.object);
      }
    } else if (
      e.resource.group === 'apps' &&
      kind === 'DaemonSet' &&
      e.type === 'ADDED'
    ) {
      this.reconcileDaemonSet(e.object);
    } else if (
      kind === 'Namespace' &&
      e.resource.group === '' &&
      e.type === 'ADDED'
    ) {
      this.ensureIstioRootCert(e.object.metadata.name);
    }
  }
}
