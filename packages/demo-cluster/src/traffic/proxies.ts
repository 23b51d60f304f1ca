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

import { podMeshMode } from '../cluster/injection';
import { isObject, JsonObject } from '../k8s/patch';
import { KubeObject, metaOf } from '../k8s/store';
import { FamilyInfo, Labels, logNormal, SeriesSpec } from './exposition';
import {
  HUBBLE_DURATION_BUCKETS,
  ISTIO_DURATION_BUCKETS,
  LINKERD_LATENCY_BUCKETS,
  TrafficEdge,
  TrafficWorkload,
} from './plan';

/** What a simulated pod exports. */
export type ExporterRole =
  | 'linkerd-proxy'
  | 'hubble'
  | 'istio-sidecar'
  | 'istio-waypoint'
  | 'ztunnel'
  | 'istiod';

/** A pod as the exporters see it. */
export interface PodView {
  name: string;
  namespace: string;
  /** Owning Deployment or DaemonSet name. */
  workload: string;
  workloadKind: 'Deployment' | 'DaemonSet' | 'Pod';
  podTemplateHash?: string;
  ip: string;
  node: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Unix seconds when the pod started. */
  startedAt: number;
  meshed: boolean;
  role?: ExporterRole;
  /** `status.phase`: only a Running pod's containers use CPU and memory. */
  phase: string;
  /**
   * The containers that run for the pod's life: the regular ones and the
   * native sidecars (init containers with `restartPolicy: Always`).
   */
  containers: Array<{ name: string; image: string }>;
}

/** Certificate facts the proxies report. */
export interface CertificateFacts {
  /** Linkerd issuer or Istio root notAfter, unix seconds. */
  issuerNotAfter: number;
  rootNotAfter: number;
  rootNotBefore: number;
}

/** Everything a renderer needs to know at scrape time. */
export interface ScrapeContext {
  cluster: 'homelab' | 'cloud';
  pods: PodView[];
  plan: TrafficEdge[];
  certificates: CertificateFacts;
  nowSeconds: number;
  istioVersion?: string;
}

/** Reads the exporter view of a stored pod. */
export function podView(pod: KubeObject): PodView {
  const meta = metaOf(pod);
  const owner = Array.isArray(pod.metadata.ownerReferences)
    ? (pod.metadata.ownerReferences.find(o => isObject(o) && o.controller) as
        | JsonObject
        | undefined)
    : undefined;
  const hash = meta.labels['pod-template-hash'];
  let workload = pod.metadata.name;
  let workloadKind: PodView['workloadKind'] = 'Pod';
  if (owner?.kind === 'ReplicaSet') {
    workload = String(owner.name).replace(new RegExp(`-${hash}$`), '');
    workloadKind = 'Deployment';
  } else if (owner?.kind === 'DaemonSet') {
    workload = String(owner.name);
    workloadKind = 'DaemonSet';
  }
  const status = (pod.status ?? {}) as JsonObject;
  const spec = (pod.spec ?? {}) as JsonObject;
  const mode = podMeshMode(pod);
  const initContainers = Array.isArray(spec.initContainers)
    ? spec.initContainers.filter(isObject)
    : [];
  const regular = Array.isArray(spec.containers)
    ? spec.containers.filter(isObject)
    : [];
  const containers = [...initContainers, ...regular].map(c => String(c.name));
  const running = [
    ...initContainers.filter(c => c.restartPolicy === 'Always'),
    ...regular,
  ].map(c => ({ name: String(c.name), image: String(c.image ?? '') }));
  let role: ExporterRole | undefined;
  if (mode === 'linkerd') role = 'linkerd-proxy';
  else if (meta.labels['k8s-app'] === 'cilium') role = 'hubble';
  else if (meta.labels.app === 'istiod') role = 'istiod';
  else if (meta.labels.app === 'ztunnel') role = 'ztunnel';
  else if (
    meta.labels['gateway.networking.k8s.io/gateway-name'] &&
    containers.includes('istio-proxy')
  )
    role = 'istio-waypoint';
  else if (mode === 'istio-sidecar') role = 'istio-sidecar';
  return {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? '',
    workload,
    workloadKind,
    podTemplateHash: hash,
    ip: String(status.podIP ?? ''),
    node: String(spec.nodeName ?? ''),
    labels: meta.labels,
    annotations: meta.annotations,
    startedAt:
      Date.parse(String(status.startTime ?? pod.metadata.creationTimestamp)) /
      1000,
    meshed: mode !== 'none',
    role,
    phase: String(status.phase ?? 'Pending'),
    containers: running,
  };
}

/** The pods of a plan workload (its Deployment's). */
export const podsOf = (ctx: ScrapeContext, w: TrafficWorkload) =>
  ctx.pods.filter(
    p =>
      p.namespace === w.namespace &&
      p.workload === w.deployment &&
      p.workloadKind === 'Deployment',
  );

const isWorkload = (p: PodView, w: TrafficWorkload | undefined) =>
  !!w && p.namespace === w.namespace && p.workload === w.deployment;

/** Splits an edge's rate into status codes: 200 for successes, the failure codes evenly. */
export function statusSplit(
  edge: TrafficEdge,
  rate: number,
): Array<[string, number]> {
  const out: Array<[string, number]> = [['200', rate * edge.successRatio]];
  const failures = rate * (1 - edge.successRatio);
  if (failures > 0) {
    for (const code of edge.failureStatusCodes) {
      out.push([String(code), failures / edge.failureStatusCodes.length]);
    }
  }
  return out;
}

// ---------------------------------------------------------------- Linkerd

export const LINKERD_FAMILIES: Record<string, FamilyInfo> = {
  request_total: { type: 'counter', help: 'Total count of HTTP requests.' },
  response_total: { type: 'counter', help: 'Total count of HTTP responses.' },
  response_latency_ms: {
    type: 'histogram',
    help: "Elapsed times between a request's headers being received and its response stream completing",
  },
  tcp_open_total: {
    type: 'counter',
    help: 'Total count of opened connections',
  },
  tcp_open_connections: {
    type: 'gauge',
    help: 'Number of currently-open connections',
  },
  proxy_build_info: { type: 'gauge', help: 'Proxy build info' },
  identity_cert_expiration_timestamp_seconds: {
    type: 'gauge',
    help: "Time when the this proxy's current mTLS identity certificate will expire (in seconds since the UNIX epoch)",
  },
  control_identity_cert_expiration_timestamp_seconds: {
    type: 'gauge',
    help: 'The expiration time of the leaf certificate',
  },
  control_identity_cert_refresh_timestamp_seconds: {
    type: 'gauge',
    help: 'The last time the leaf certificate was refreshed',
  },
  process_start_time_seconds: {
    type: 'gauge',
    help: 'Time that the process started (in seconds since the UNIX epoch)',
  },
};

/** proxy_build_info versions of the Linkerd releases the demo uses. */
const LINKERD_PROXY_BUILDS: Record<string, { version: string; sha: string }> = {
  'edge-26.11.2': {
    version: 'v2.331.0',
    sha: '3f1d8a0c52b9e4d7a6c1e0f2b8d4a9c7e5f3b1d0',
  },
  'stable-2.14.10': {
    version: 'v2.210.4',
    sha: 'a9c4e1f07b3d2c8e6f5a4b3c2d1e0f9a8b7c6d5e',
  },
};

/** Whether a Linkerd release's proxy still names its expiry metric identity_cert_expiration_timestamp_seconds. */
export function usesLegacyIdentityMetric(release: string): boolean {
  const stable = /^stable-2\.(\d+)\./.exec(release);
  if (stable) return Number(stable[1]) <= 14;
  const edge = /^edge-(\d+)\.(\d+)\.(\d+)$/.exec(release);
  if (edge) {
    const [y, m, p] = edge.slice(1).map(Number);
    return y < 24 || (y === 24 && (m < 4 || (m === 4 && p <= 2)));
  }
  return false;
}

const linkerdIdentity = (w: TrafficWorkload) =>
  `${w.serviceAccount}.${w.namespace}.serviceaccount.identity.linkerd.cluster.local`;

function linkerdHttpSeries(
  out: SeriesSpec[],
  edge: TrafficEdge,
  base: Labels,
  rate: number,
): void {
  const dist = logNormal(edge.latencyMs.p50, edge.latencyMs.p99);
  out.push({ kind: 'counter', name: 'request_total', labels: base, rate });
  for (const [code, r] of statusSplit(edge, rate)) {
    const classification = code.startsWith('5') ? 'failure' : 'success';
    out.push({
      kind: 'counter',
      name: 'response_total',
      labels: {
        ...base,
        status_code: code,
        classification,
        grpc_status_code: '',
      },
      rate: r,
    });
    out.push({
      kind: 'histogram',
      name: 'response_latency_ms',
      labels: { ...base, status_code: code },
      rate: r,
      distribution: dist,
      buckets: LINKERD_LATENCY_BUCKETS,
      unit: 1,
    });
  }
}

/** The series a Linkerd proxy exports (without the scrape-time labels). */
export function linkerdProxySeries(
  pod: PodView,
  ctx: ScrapeContext,
): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  const release = pod.annotations['linkerd.io/proxy-version'] ?? '';
  const build = LINKERD_PROXY_BUILDS[release] ?? { version: release, sha: '' };
  out.push({
    kind: 'gauge',
    name: 'proxy_build_info',
    labels: {
      git_sha: build.sha,
      profile: 'release',
      vendor: 'linkerd',
      version: build.version,
    },
    value: 1,
  });
  out.push({
    kind: 'gauge',
    name: 'process_start_time_seconds',
    labels: {},
    value: Math.floor(pod.startedAt),
  });
  // Leaf certificates live 24h and are refreshed at 70% of their life; never beyond the issuer.
  const lifetime = 24 * 3600;
  const refresh = 0.7 * lifetime;
  const issued = ctx.nowSeconds - ((ctx.nowSeconds - pod.startedAt) % refresh);
  const expiry = Math.min(
    Math.floor(issued + lifetime),
    ctx.certificates.issuerNotAfter,
  );
  if (usesLegacyIdentityMetric(release)) {
    out.push({
      kind: 'gauge',
      name: 'identity_cert_expiration_timestamp_seconds',
      labels: {},
      value: expiry,
    });
  } else {
    out.push({
      kind: 'gauge',
      name: 'control_identity_cert_expiration_timestamp_seconds',
      labels: {},
      value: expiry,
    });
    out.push({
      kind: 'gauge',
      name: 'control_identity_cert_refresh_timestamp_seconds',
      labels: {},
      value: Math.floor(issued),
    });
  }

  for (const edge of ctx.plan) {
    if (edge.cluster !== ctx.cluster || edge.mesh !== 'linkerd') continue;
    const d = edge.destination;
    if (isWorkload(pod, d)) {
      const dstPods = podsOf(ctx, d);
      const rate = edge.requestsPerSecond / Math.max(1, dstPods.length);
      const tls: Labels = edge.source
        ? { tls: 'true', client_id: linkerdIdentity(edge.source) }
        : { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' };
      const srv: Labels =
        d.namespace === 'payments'
          ? {
              srv_group: 'policy.linkerd.io',
              srv_kind: 'server',
              srv_name: 'payments-http',
              srv_port: String(d.port),
            }
          : {
              srv_group: '',
              srv_kind: 'default',
              srv_name: 'all-unauthenticated',
              srv_port: String(d.port),
            };
      const base: Labels = {
        direction: 'inbound',
        target_addr: `${pod.ip}:${d.port}`,
        target_ip: pod.ip,
        target_port: String(d.port),
        ...tls,
        ...srv,
      };
      linkerdHttpSeries(out, edge, base, rate);
      out.push({
        kind: 'gauge',
        name: 'tcp_open_connections',
        labels: {
          direction: 'inbound',
          peer: 'src',
          target_addr: base.target_addr,
          target_ip: pod.ip,
          target_port: String(d.port),
          ...tls,
          ...srv,
        },
        value: Math.max(1, Math.round(rate / 3)),
      });
      out.push({
        kind: 'counter',
        name: 'tcp_open_total',
        labels: {
          direction: 'inbound',
          peer: 'src',
          target_addr: base.target_addr,
          target_ip: pod.ip,
          target_port: String(d.port),
          ...tls,
          ...srv,
        },
        rate: rate / 200,
      });
    }
    if (edge.source && isWorkload(pod, edge.source)) {
      const srcPods = podsOf(ctx, edge.source);
      const dstPods = podsOf(ctx, d);
      const perSource = edge.requestsPerSecond / Math.max(1, srcPods.length);
      for (const q of dstPods) {
        const rate = perSource / dstPods.length;
        const tls: Labels =
          q.meshed && edge.mtls
            ? { tls: 'true', server_id: linkerdIdentity(d) }
            : {
                tls: 'no_identity',
                no_tls_reason: 'not_provided_by_service_discovery',
              };
        const base: Labels = {
          direction: 'outbound',
          authority: `${d.service}.${d.namespace}.svc.cluster.local:${d.port}`,
          target_addr: `${q.ip}:${d.port}`,
          target_ip: q.ip,
          target_port: String(d.port),
          ...tls,
          dst_control_plane_ns: 'linkerd',
          dst_deployment: d.deployment,
          dst_namespace: d.namespace,
          dst_pod: q.name,
          dst_pod_template_hash: q.podTemplateHash ?? '',
          dst_service: d.service,
          dst_serviceaccount: d.serviceAccount,
        };
        if (!q.meshed) delete base.dst_control_plane_ns;
        linkerdHttpSeries(out, edge, base, rate);
        const { authority: _a, ...tcpBase } = base;
        out.push({
          kind: 'gauge',
          name: 'tcp_open_connections',
          labels: { ...tcpBase, peer: 'dst' },
          value: Math.max(1, Math.round(rate / 3)),
        });
        out.push({
          kind: 'counter',
          name: 'tcp_open_total',
          labels: { ...tcpBase, peer: 'dst' },
          rate: rate / 200,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- Hubble

export const HUBBLE_FAMILIES: Record<string, FamilyInfo> = {
  hubble_http_requests_total: {
    type: 'counter',
    help: 'Count of HTTP requests',
  },
  hubble_http_request_duration_seconds: {
    type: 'histogram',
    help: 'Quantiles of HTTP request duration in seconds',
  },
  hubble_flows_processed_total: {
    type: 'counter',
    help: 'Total number of flows processed',
  },
};

/** What one Cilium agent's Hubble metrics server exports for the pods on its node. */
export function hubbleSeries(pod: PodView, ctx: ScrapeContext): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  for (const edge of ctx.plan) {
    if (edge.cluster !== ctx.cluster || edge.mesh !== 'cilium' || !edge.source)
      continue;
    const context: Labels = {
      source_namespace: edge.source.namespace,
      source_workload: edge.source.deployment,
      destination_namespace: edge.destination.namespace,
      destination_workload: edge.destination.deployment,
    };
    const dist = logNormal(edge.latencyMs.p50, edge.latencyMs.p99);
    const sides: Array<['server' | 'client', TrafficWorkload, string]> = [
      ['server', edge.destination, 'ingress'],
      ['client', edge.source, 'egress'],
    ];
    for (const [reporter, w, direction] of sides) {
      const all = podsOf(ctx, w);
      const onNode = all.filter(p => p.node === pod.node);
      if (onNode.length === 0) continue;
      const rate = (edge.requestsPerSecond * onNode.length) / all.length;
      const labels: Labels = {
        ...context,
        traffic_direction: direction,
        method: edge.method,
        protocol: 'HTTP/1.1',
        reporter,
      };
      for (const [code, r] of statusSplit(edge, rate)) {
        out.push({
          kind: 'counter',
          name: 'hubble_http_requests_total',
          labels: { ...labels, status: code },
          rate: r,
        });
      }
      out.push({
        kind: 'histogram',
        name: 'hubble_http_request_duration_seconds',
        labels: {
          ...context,
          traffic_direction: direction,
          method: edge.method,
          reporter,
        },
        rate,
        distribution: dist,
        buckets: HUBBLE_DURATION_BUCKETS,
        unit: 0.001,
      });
      out.push({
        kind: 'counter',
        name: 'hubble_flows_processed_total',
        labels: {
          type: 'L7',
          subtype: 'HTTP',
          verdict: 'FORWARDED',
          ...context,
        },
        rate: rate * 2,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- Istio

export const ISTIO_FAMILIES: Record<string, FamilyInfo> = {
  istio_requests_total: { type: 'counter', help: '' },
  istio_request_duration_milliseconds: { type: 'histogram', help: '' },
  istio_tcp_connections_opened_total: { type: 'counter', help: '' },
  istio_tcp_connections_closed_total: { type: 'counter', help: '' },
  istio_tcp_sent_bytes_total: { type: 'counter', help: '' },
  istio_tcp_received_bytes_total: { type: 'counter', help: '' },
  istio_agent_cert_expiry_seconds: {
    type: 'gauge',
    help: 'The time remaining, in seconds, before the certificate chain will expire. A negative value indicates the cert is expired.',
  },
  istio_build: { type: 'gauge', help: 'Istio component build info' },
  citadel_server_root_cert_expiry_timestamp: {
    type: 'gauge',
    help: 'The unix timestamp, in seconds, when Citadel root cert will expire. A negative time indicates the cert is expired.',
  },
  citadel_server_root_cert_expiry_seconds: {
    type: 'gauge',
    help: 'The time remaining, in seconds, before the root cert will expire. A negative value indicates the cert is expired.',
  },
  citadel_server_cert_chain_expiry_timestamp: {
    type: 'gauge',
    help: 'The unix timestamp, in seconds, when Citadel cert chain will expire. A negative time indicates the cert is expired.',
  },
  citadel_server_cert_chain_expiry_seconds: {
    type: 'gauge',
    help: 'The time remaining, in seconds, before the cert chain will expire. A negative value indicates the cert is expired.',
  },
  pilot_xds: {
    type: 'gauge',
    help: 'Number of endpoints connected to this pilot using XDS.',
  },
};

const spiffe = (w: TrafficWorkload) =>
  `spiffe://cluster.local/ns/${w.namespace}/sa/${w.serviceAccount}`;

function istioSide(
  prefix: 'source' | 'destination',
  w: TrafficWorkload | undefined,
  ctx: ScrapeContext,
): Labels {
  if (!w) {
    return {
      [`${prefix}_workload`]: 'unknown',
      [`${prefix}_workload_namespace`]: 'unknown',
      [`${prefix}_app`]: 'unknown',
      [`${prefix}_version`]: 'unknown',
      [`${prefix}_canonical_service`]: 'unknown',
      [`${prefix}_canonical_revision`]: 'latest',
      [`${prefix}_cluster`]: 'unknown',
    };
  }
  const waypoint = w.deployment === 'waypoint';
  return {
    [`${prefix}_workload`]: w.deployment,
    [`${prefix}_workload_namespace`]: w.namespace,
    [`${prefix}_app`]: waypoint ? 'unknown' : w.deployment,
    [`${prefix}_version`]: waypoint ? 'unknown' : 'v1',
    [`${prefix}_canonical_service`]: w.deployment,
    [`${prefix}_canonical_revision`]: waypoint ? 'latest' : 'v1',
    [`${prefix}_cluster`]: ctx.cluster === 'cloud' ? 'Kubernetes' : 'unknown',
  };
}

function istioLabels(
  edge: TrafficEdge,
  reporter: 'source' | 'destination' | 'waypoint',
  caller: TrafficWorkload | undefined,
  ctx: ScrapeContext,
  securityPolicy: string,
  principals: { source: string; destination: string },
): Labels {
  const d = edge.destination;
  return {
    reporter,
    ...istioSide('source', caller, ctx),
    source_principal: principals.source,
    ...istioSide('destination', d, ctx),
    destination_principal: principals.destination,
    destination_service: `${d.service}.${d.namespace}.svc.cluster.local`,
    destination_service_name: d.service,
    destination_service_namespace: d.namespace,
    request_protocol: 'http',
    response_flags: '-',
    grpc_response_status: '',
    connection_security_policy: securityPolicy,
  };
}

function istioHttpSeries(
  out: SeriesSpec[],
  edge: TrafficEdge,
  base: Labels,
  rate: number,
): void {
  const dist = logNormal(edge.latencyMs.p50, edge.latencyMs.p99);
  for (const [code, r] of statusSplit(edge, rate)) {
    const labels = { ...base, response_code: code };
    out.push({
      kind: 'counter',
      name: 'istio_requests_total',
      labels,
      rate: r,
    });
    out.push({
      kind: 'histogram',
      name: 'istio_request_duration_milliseconds',
      labels,
      rate: r,
      distribution: dist,
      buckets: ISTIO_DURATION_BUCKETS,
      unit: 1,
    });
  }
}

/** What an Istio sidecar or waypoint exports (merged metrics on :15020). */
export function istioProxySeries(
  pod: PodView,
  ctx: ScrapeContext,
): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  const version = ctx.istioVersion ?? 'unknown';
  out.push({
    kind: 'gauge',
    name: 'istio_build',
    labels: { component: 'proxy', tag: version },
    value: 1,
  });
  // Workload certificates live 24h and are rotated at half their life.
  const lifetime = 24 * 3600;
  const issued =
    ctx.nowSeconds - ((ctx.nowSeconds - pod.startedAt) % (lifetime / 2));
  out.push({
    kind: 'gauge',
    name: 'istio_agent_cert_expiry_seconds',
    labels: { resource_name: 'default' },
    value: Math.round(issued + lifetime - ctx.nowSeconds),
  });

  for (const edge of ctx.plan) {
    if (edge.cluster !== ctx.cluster || edge.mesh !== 'istio') continue;
    const d = edge.destination;
    const viaWaypoint = edge.via?.waypoint;
    if (pod.role === 'istio-waypoint') {
      if (!viaWaypoint || !isWorkload(pod, viaWaypoint)) continue;
      const all = podsOf(ctx, viaWaypoint);
      const base = istioLabels(
        edge,
        'waypoint',
        edge.source,
        ctx,
        'mutual_tls',
        {
          source: edge.source ? spiffe(edge.source) : 'unknown',
          destination: spiffe(d),
        },
      );
      istioHttpSeries(
        out,
        edge,
        base,
        edge.requestsPerSecond / Math.max(1, all.length),
      );
      continue;
    }
    // A waypoint fronts an ambient destination only, which has no sidecar
    // to report it (plan.test.ts holds the plan to that).
    if (!viaWaypoint && isWorkload(pod, d)) {
      const all = podsOf(ctx, d);
      const caller = edge.source;
      const base = istioLabels(
        edge,
        'destination',
        caller,
        ctx,
        edge.mtls ? 'mutual_tls' : 'none',
        {
          source: edge.mtls && caller ? spiffe(caller) : 'unknown',
          destination: edge.mtls ? spiffe(d) : 'unknown',
        },
      );
      istioHttpSeries(
        out,
        edge,
        base,
        edge.requestsPerSecond / Math.max(1, all.length),
      );
    }
    // A sidecar calling through a waypoint reports as source too, but with
    // which destination labels is not established; nothing reads it, so the
    // demo leaves that series out rather than invent it.
    if (edge.source && !viaWaypoint && isWorkload(pod, edge.source)) {
      const all = podsOf(ctx, edge.source);
      const base = istioLabels(edge, 'source', edge.source, ctx, 'unknown', {
        source: spiffe(edge.source),
        destination: edge.mtls ? spiffe(d) : 'unknown',
      });
      istioHttpSeries(
        out,
        edge,
        base,
        edge.requestsPerSecond / Math.max(1, all.length),
      );
    }
  }
  return out;
}

/** What a ztunnel exports for the ambient pods on its node (L4 only). */
export function ztunnelSeries(pod: PodView, ctx: ScrapeContext): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  out.push({
    kind: 'gauge',
    name: 'istio_build',
    labels: { component: 'ztunnel', tag: ctx.istioVersion ?? 'unknown' },
    value: 1,
  });
  for (const edge of ctx.plan) {
    if (edge.cluster !== ctx.cluster || edge.mesh !== 'istio' || !edge.source)
      continue;
    const sources = podsOf(ctx, edge.source);
    const ambient = sources.filter(
      p => p.annotations['ambient.istio.io/redirection'] === 'enabled',
    );
    const onNode = ambient.filter(p => p.node === pod.node);
    if (onNode.length === 0) continue;
    const rate = (edge.requestsPerSecond * onNode.length) / sources.length;
    const peer = edge.via?.waypoint ?? edge.destination;
    const labels: Labels = {
      reporter: 'source',
      ...istioSide('source', edge.source, ctx),
      source_principal: spiffe(edge.source),
      ...istioSide('destination', peer, ctx),
      destination_principal: spiffe(peer),
      destination_service: `${edge.destination.service}.${edge.destination.namespace}.svc.cluster.local`,
      destination_service_name: edge.destination.service,
      destination_service_namespace: edge.destination.namespace,
      request_protocol: 'tcp',
      response_flags: '-',
      connection_security_policy: 'mutual_tls',
    };
    out.push({
      kind: 'counter',
      name: 'istio_tcp_connections_opened_total',
      labels,
      rate: rate / 40,
    });
    out.push({
      kind: 'counter',
      name: 'istio_tcp_connections_closed_total',
      labels,
      rate: rate / 40,
    });
    out.push({
      kind: 'counter',
      name: 'istio_tcp_sent_bytes_total',
      labels,
      rate: rate * 740,
    });
    out.push({
      kind: 'counter',
      name: 'istio_tcp_received_bytes_total',
      labels,
      rate: rate * 2150,
    });
  }
  return out;
}

/** What istiod exports on :15014. */
export function istiodSeries(_pod: PodView, ctx: ScrapeContext): SeriesSpec[] {
  const root = ctx.certificates.rootNotAfter;
  const proxies = ctx.pods.filter(
    p =>
      p.role === 'istio-sidecar' ||
      p.role === 'istio-waypoint' ||
      p.role === 'ztunnel',
  ).length;
  return [
    {
      kind: 'gauge',
      name: 'istio_build',
      labels: { component: 'pilot', tag: ctx.istioVersion ?? 'unknown' },
      value: 1,
    },
    {
      kind: 'gauge',
      name: 'citadel_server_root_cert_expiry_timestamp',
      labels: {},
      value: Math.floor(root),
    },
    {
      kind: 'gauge',
      name: 'citadel_server_root_cert_expiry_seconds',
      labels: {},
      value: Math.floor(root - ctx.nowSeconds),
    },
    {
      kind: 'gauge',
      name: 'citadel_server_cert_chain_expiry_timestamp',
      labels: {},
      value: Math.floor(root),
    },
    {
      kind: 'gauge',
      name: 'citadel_server_cert_chain_expiry_seconds',
      labels: {},
      value: Math.floor(root - ctx.nowSeconds),
    },
    {
      kind: 'gauge',
      name: 'pilot_xds',
      labels: { version: ctx.istioVersion ?? 'unknown' },
      value: proxies,
    },
  ];
}

/** The series of any simulated pod, by role. */
export function seriesFor(pod: PodView, ctx: ScrapeContext): SeriesSpec[] {
  switch (pod.role) {
    case 'linkerd-proxy':
      return linkerdProxySeries(pod, ctx);
    case 'hubble':
      return hubbleSeries(pod, ctx);
    case 'istio-sidecar':
    case 'istio-waypoint':
      return istioProxySeries(pod, ctx);
    case 'ztunnel':
      return ztunnelSeries(pod, ctx);
    case 'istiod':
      return istiodSeries(pod, ctx);
    default:
      return [];
  }
}

/** HELP/TYPE of every family, for the exposition. */
export const ALL_FAMILIES: Record<string, FamilyInfo> = {
  ...LINKERD_FAMILIES,
  ...HUBBLE_FAMILIES,
  ...ISTIO_FAMILIES,
};
