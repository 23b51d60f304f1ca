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

import path from 'node:path';
import { AdmissionPlugin } from '../k8s/admission';
import { isObject, JsonObject } from '../k8s/patch';
import { podSecurityAdmission } from '../k8s/podSecurity';
import { findResource } from '../k8s/resources';
import { CrdVersionRef, ServedApis } from '../k8s/servedApis';
import { ObjectStore } from '../k8s/store';
import {
  ClusterCertificates,
  createIstioCertificates,
  createLinkerdCertificates,
} from './certificates';
import { RT, seededRandom, WorkloadController } from './controller';
import { readSeed, SEED_ROOT, withSeedManagedFields } from './seed';

/** The two demo clusters. */
export type DemoClusterName = 'homelab' | 'cloud';

/** Static facts about a demo cluster. */
export interface ClusterDefinition {
  name: DemoClusterName;
  nodes: string[];
  podIpPrefix: string;
  mesh: 'linkerd' | 'istio';
  /** The CRD versions installed: what this cluster's API serves. */
  crds: CrdVersionRef[];
  /**
   * How Helm wrote the seeded charts' objects: Helm 3 updates (operation
   * Update), Helm 4 applies server-side (operation Apply). Either way the
   * fields are owned by manager `helm`.
   */
  helmOperation: 'Update' | 'Apply';
}

const versions = (group: string, plural: string, vs: string[]) =>
  vs.map(v => `${group}/${v}/${plural}`);

const GATEWAY_API = [
  ...versions('gateway.networking.k8s.io', 'gateways', ['v1', 'v1beta1']),
  ...versions('gateway.networking.k8s.io', 'httproutes', ['v1', 'v1beta1']),
];

export const CLUSTERS: Record<DemoClusterName, ClusterDefinition> = {
  homelab: {
    name: 'homelab',
    nodes: ['nuc-01', 'nuc-02', 'nuc-03'],
    podIpPrefix: '10.42.1',
    mesh: 'linkerd',
    crds: [
      ...versions('policy.linkerd.io', 'servers', [
        'v1beta3',
        'v1beta2',
        'v1beta1',
      ]),
      ...versions('policy.linkerd.io', 'authorizationpolicies', ['v1alpha1']),
      ...versions('policy.linkerd.io', 'meshtlsauthentications', ['v1alpha1']),
      ...versions('policy.linkerd.io', 'httproutes', [
        'v1beta3',
        'v1beta2',
        'v1beta1',
        'v1alpha1',
      ]),
      ...versions('linkerd.io', 'serviceprofiles', ['v1alpha2', 'v1alpha1']),
      ...versions('cilium.io', 'ciliumnetworkpolicies', ['v2']),
      ...versions('cert-manager.io', 'certificates', ['v1']),
      ...GATEWAY_API,
    ],
    helmOperation: 'Update',
  },
  cloud: {
    name: 'cloud',
    nodes: [
      'ip-10-20-1-17.eu-west-1.compute.internal',
      'ip-10-20-2-84.eu-west-1.compute.internal',
    ],
    podIpPrefix: '10.20.64',
    mesh: 'istio',
    crds: [
      ...versions('security.istio.io', 'peerauthentications', [
        'v1',
        'v1beta1',
      ]),
      ...versions('security.istio.io', 'authorizationpolicies', [
        'v1',
        'v1beta1',
      ]),
      ...versions('networking.istio.io', 'destinationrules', [
        'v1',
        'v1beta1',
        'v1alpha3',
      ]),
      ...versions('networking.istio.io', 'virtualservices', [
        'v1',
        'v1beta1',
        'v1alpha3',
      ]),
      ...GATEWAY_API,
    ],
    helmOperation: 'Apply',
  },
};

/** The state of one demo cluster. */
export interface ClusterState {
  definition: ClusterDefinition;
  store: ObjectStore;
  controller: WorkloadController;
  certificates: ClusterCertificates;
  /** What the API serves: built-in types and the installed CRD versions. */
  servedApis: ServedApis;
  /** The validating admission plugins of API writes and controller-made pods. */
  admission: AdmissionPlugin[];
}

const DAY = 24 * 3600 * 1000;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ts = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function setData(
  store: ObjectStore,
  plural: 'configmaps' | 'secrets',
  namespace: string,
  name: string,
  data: Record<string, string>,
): void {
  const r = findResource('', 'v1', plural)!;
  const o = store.get(r, namespace, name);
  if (!o) throw new Error(`seed is missing ${plural} ${namespace}/${name}`);
  o.data = { ...(isObject(o.data) ? o.data : {}), ...data };
  store.put(r, o);
}

function bindLinkerdCertificates(
  store: ObjectStore,
  certs: ClusterCertificates,
): void {
  setData(store, 'configmaps', 'linkerd', 'linkerd-identity-trust-roots', {
    'ca-bundle.crt': certs.trustAnchor.certPem,
  });
  setData(store, 'secrets', 'linkerd', 'linkerd-identity-issuer', {
    'crt.pem': b64(certs.issuer.certPem),
    'key.pem': b64(certs.issuer.keyPem),
  });
  const certType = findResource('cert-manager.io', 'v1', 'certificates')!;
  const cert = store.get(certType, 'linkerd', 'linkerd-identity-issuer');
  if (cert) {
    const spec = (cert.spec ?? {}) as JsonObject;
    const renewBeforeHours = parseInt(String(spec.renewBefore ?? '360h'), 10);
    const renewal = new Date(
      certs.issuer.notAfter.getTime() - renewBeforeHours * 3600 * 1000,
    );
    cert.status = {
      conditions: [
        {
          lastTransitionTime: ts(certs.issuer.notBefore),
          message: 'Certificate is up to date and has not expired',
          observedGeneration: 1,
          reason: 'Ready',
          status: 'True',
          type: 'Ready',
        },
      ],
      notAfter: ts(certs.issuer.notAfter),
      notBefore: ts(certs.issuer.notBefore),
      renewalTime: ts(renewal),
      revision: 4,
    };
    store.put(certType, cert);
  }
  // Seeded pods and templates written with a placeholder carry the current hash.
  for (const { resource, object } of store.all()) {
    let changed = false;
    const fix = (meta: unknown) => {
      if (!isObject(meta) || !isObject(meta.annotations)) return;
      if (meta.annotations['linkerd.io/trust-root-sha256'] === 'GENERATED') {
        meta.annotations['linkerd.io/trust-root-sha256'] =
          certs.trustBundleSha256;
        changed = true;
      }
    };
    fix(object.metadata);
    const spec = object.spec;
    if (isObject(spec) && isObject(spec.template)) fix(spec.template.metadata);
    if (changed) store.put(resource, object);
  }
}

function bindIstioCertificates(
  store: ObjectStore,
  certs: ClusterCertificates,
): void {
  const root = certs.trustAnchor;
  setData(store, 'secrets', 'istio-system', 'istio-ca-secret', {
    'ca-cert.pem': b64(root.certPem),
    'ca-key.pem': b64(root.keyPem),
    'cert-chain.pem': '',
    'key.pem': '',
    'root-cert.pem': b64(root.certPem),
  });
  setData(store, 'configmaps', 'istio-system', 'istio-ca-root-cert', {
    'root-cert.pem': root.certPem,
  });
}

/** Options for building a cluster's state. */
export interface BuildClusterOptions {
  seedDir?: string;
  now?: () => Date;
  /** Days until the Linkerd issuer expires (homelab); default 20. */
  linkerdIssuerDaysLeft?: number;
  /**
   * The CRD versions served instead of the cluster's (`group/version/plural`),
   * e.g. an Istio without `security.istio.io/v1`.
   */
  crds?: CrdVersionRef[];
  /** Admission plugins (default: Pod Security admission). */
  admission?: AdmissionPlugin[];
  /** Slow rollouts: new pods stay unready this long (ms). */
  slowRollout?: {
    readyDelayMs: number;
    /** Only in these namespaces (default: every namespace). */
    namespaces?: string[];
  };
}

/**
 * Builds a cluster's in-memory state: loads the seed, generates the
 * certificates, creates the pods of seeded workloads and starts the
 * controller.
 */
export async function buildCluster(
  name: DemoClusterName,
  options: BuildClusterOptions = {},
): Promise<ClusterState> {
  const definition = CLUSTERS[name];
  const now = options.now ?? (() => new Date());
  const started = now();
  const store = new ObjectStore();
  const seedDir = options.seedDir ?? path.join(SEED_ROOT, name);
  for (const obj of readSeed(seedDir)) {
    store.seed(withSeedManagedFields(obj, definition.helmOperation), started);
  }
  const servedApis = new ServedApis(options.crds ?? definition.crds);
  const admission = options.admission ?? [podSecurityAdmission];
  const slow = options.slowRollout;

  const certificates =
    definition.mesh === 'linkerd'
      ? await createLinkerdCertificates(
          started,
          options.linkerdIssuerDaysLeft ?? 20,
        )
      : await createIstioCertificates(started);
  if (definition.mesh === 'linkerd')
    bindLinkerdCertificates(store, certificates);
  else bindIstioCertificates(store, certificates);

  const controller = new WorkloadController(store, {
    nodes: definition.nodes,
    podIpPrefix: definition.podIpPrefix,
    random: seededRandom(name),
    now,
    admission,
    readyDelayMs: slow
      ? ns =>
          !slow.namespaces || slow.namespaces.includes(ns)
            ? slow.readyDelayMs
            : 0
      : undefined,
  });
  controller.materialise(
    new Date(started.getTime() - 2 * DAY - 3 * 3600 * 1000),
  );
  controller.attach();
  void RT;
  return {
    definition,
    store,
    controller,
    certificates,
    servedApis,
    admission,
  };
}
