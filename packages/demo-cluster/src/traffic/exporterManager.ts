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
import { AddressInfo } from 'node:net';
import { ClusterState } from '../cluster/buildCluster';
import { RT } from '../cluster/controller';
import { cadvisorSeries, EXPORTED_FAMILIES } from './cadvisor';
import { CounterExporter, SeriesSpec } from './exposition';
import { HistorySpan, HistoryTarget, writeHistory } from './history';
import { TrafficEdge } from './plan';
import {
  ExporterRole,
  podView,
  PodView,
  ScrapeContext,
  seriesFor,
} from './proxies';

/** One scrape target: a simulated pod's metrics endpoint. */
export interface ScrapeTarget {
  /** Prometheus job the target belongs to. */
  job: string;
  /** host:port of the endpoint. */
  address: string;
  metricsPath: string;
  /** Target labels, as Kubernetes service discovery and relabelling would set them. */
  labels: Record<string, string>;
  /** A simulated pod's role, or `kubelet` for a node's cAdvisor endpoint. */
  role: ExporterRole | 'kubelet';
  /** The pod's name and namespace; empty for a kubelet. */
  pod: string;
  namespace: string;
}

interface Endpoint {
  target: ScrapeTarget;
  server: http.Server;
  startedAt: number;
  /** The endpoint's series now, or undefined when its pod is gone. */
  series(ctx: ScrapeContext): SeriesSpec[] | undefined;
}

/** The Prometheus job of the kubelets' cAdvisor endpoints. */
export const KUBELET_JOB = 'kubelet';

/** The Prometheus job of each role, as the meshes' own scrape configs name them. */
export const JOB_OF_ROLE: Record<ExporterRole, string> = {
  'linkerd-proxy': 'linkerd-proxy',
  hubble: 'hubble-metrics',
  'istio-sidecar': 'kubernetes-pods',
  'istio-waypoint': 'kubernetes-pods',
  ztunnel: 'kubernetes-pods',
  istiod: 'kubernetes-pods',
};

function targetLabels(pod: PodView): Record<string, string> {
  if (pod.role === 'linkerd-proxy') {
    // What linkerd-viz's `linkerd-proxy` job derives from pod labels.
    const labels: Record<string, string> = {
      namespace: pod.namespace,
      pod: pod.name,
      container: 'linkerd-proxy',
      control_plane_ns: pod.labels['linkerd.io/control-plane-ns'] ?? 'linkerd',
    };
    for (const [k, v] of Object.entries(pod.labels)) {
      const m = /^linkerd\.io\/proxy-(.+)$/.exec(k);
      if (m) labels[m[1] === 'job' ? 'k8s_job' : m[1]] = v;
    }
    if (pod.podTemplateHash) labels.pod_template_hash = pod.podTemplateHash;
    return labels;
  }
  if (pod.role === 'hubble') {
    return {
      namespace: pod.namespace,
      pod: pod.name,
      node: pod.node,
      k8s_app: 'cilium',
    };
  }
  const labels: Record<string, string> = {
    namespace: pod.namespace,
    pod: pod.name,
    // The scraped container, as the Prometheus Operator labels it: sidecars,
    // waypoints and ztunnel all run the proxy as `istio-proxy`.
    container: pod.role === 'istiod' ? 'discovery' : 'istio-proxy',
  };
  if (pod.labels.app) labels.app = pod.labels.app;
  return labels;
}

/** Options of the exporter manager. */
export interface ExporterManagerOptions {
  state: ClusterState;
  plan: TrafficEdge[];
  host?: string;
  /** Called whenever the set of targets changes (pods created or deleted). */
  onTargetsChanged?: (targets: ScrapeTarget[]) => void;
  now?: () => number;
}

/**
 * Runs one HTTP /metrics endpoint per simulated proxy (meshed pods, Cilium
 * agents, ztunnels, waypoints, istiod), following the pods in the store
 * (a rollout restart replaces endpoints as it replaces pods), and one
 * kubelet cAdvisor endpoint per node.
 */
export class ExporterManager {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  private readonly host: string;
  private readonly now: () => number;

  constructor(private readonly options: ExporterManagerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.now = options.now ?? (() => Date.now() / 1000);
    options.state.store.onChange(e => {
      if (e.resource.kind === 'Pod' && e.resource.group === '') {
        this.podViews = undefined;
      }
    });
  }

  private key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  /** Pod views, rebuilt after a pod changes rather than on every scrape of every endpoint. */
  private podViews: PodView[] | undefined;

  private context(nowSeconds = this.now()): ScrapeContext {
    const { state } = this.options;
    this.podViews ??= state.store.list(RT.pod).map(podView);
    const pods = this.podViews;
    return {
      cluster: state.definition.name,
      pods,
      plan: this.options.plan,
      nowSeconds,
      certificates: {
        issuerNotAfter: state.certificates.issuer.notAfter.getTime() / 1000,
        rootNotAfter: state.certificates.trustAnchor.notAfter.getTime() / 1000,
        rootNotBefore:
          state.certificates.trustAnchor.notBefore.getTime() / 1000,
      },
      istioVersion: state.controller.meshInstall().istio?.version,
    };
  }

  /** The series of a pod's endpoint: its current view's, or none once it is gone. */
  private podSeries(view: PodView): Endpoint['series'] {
    return ctx => {
      const current = ctx.pods.find(
        p => p.namespace === view.namespace && p.name === view.name,
      );
      return current ? seriesFor(current, ctx) : undefined;
    };
  }

  private async startPodEndpoint(view: PodView): Promise<void> {
    const role = view.role!;
    await this.startEndpoint(
      this.key(view.namespace, view.name),
      view.startedAt,
      this.podSeries(view),
      address => ({
        job: JOB_OF_ROLE[role],
        address,
        metricsPath:
          role === 'istio-sidecar' || role === 'istio-waypoint'
            ? '/stats/prometheus'
            : '/metrics',
        labels: targetLabels(view),
        role,
        pod: view.name,
        namespace: view.namespace,
      }),
    );
  }

  /**
   * A node's kubelet: cAdvisor's series of its pods, with the target
   * labels kube-prometheus' kubelet job sets (`node`, `metrics_path`).
   */
  private async startKubeletEndpoint(node: string): Promise<void> {
    const metricsPath = '/metrics/cadvisor';
    // Each container's counter starts with its pod (cadvisorSeries), not with the kubelet.
    await this.startEndpoint(
      `node/${node}`,
      this.now(),
      ctx => cadvisorSeries(node, ctx),
      address => ({
        job: KUBELET_JOB,
        address,
        metricsPath,
        labels: { node, metrics_path: metricsPath },
        role: 'kubelet',
        pod: '',
        namespace: '',
      }),
    );
  }

  private async startEndpoint(
    key: string,
    startedAt: number,
    series: Endpoint['series'],
    target: (address: string) => ScrapeTarget,
  ): Promise<void> {
    const exporter = new CounterExporter(startedAt, EXPORTED_FAMILIES);
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      const ctx = this.context();
      const specs = series(ctx);
      if (!specs) {
        res.writeHead(503).end('pod is gone\n');
        return;
      }
      const body = exporter.render(specs, ctx.nowSeconds);
      res.writeHead(200, {
        'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      });
      res.end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => resolve());
    });
    if (this.stopped) {
      await new Promise<void>(r => server.close(() => r()));
      return;
    }
    const port = (server.address() as AddressInfo).port;
    this.endpoints.set(key, {
      server,
      startedAt,
      series,
      target: target(`${this.host}:${port}`),
    });
  }

  private async stopEndpoint(key: string): Promise<void> {
    const e = this.endpoints.get(key);
    if (!e) return;
    this.endpoints.delete(key);
    await new Promise<void>(r => {
      e.server.close(() => r());
      e.server.closeAllConnections();
    });
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .then(() => {
        if (!this.stopped) this.options.onTargetsChanged?.(this.targets());
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Starts endpoints for every current pod and follows pod changes. */
  async start(): Promise<void> {
    const { store } = this.options.state;
    const views = store
      .list(RT.pod)
      .map(podView)
      .filter(v => v.role);
    await Promise.all([
      ...views.map(v => this.startPodEndpoint(v)),
      ...this.options.state.definition.nodes.map(n =>
        this.startKubeletEndpoint(n),
      ),
    ]);
    store.onChange(e => {
      if (this.stopped || e.resource.kind !== 'Pod' || e.resource.group !== '')
        return;
      const key = this.key(
        e.object.metadata.namespace ?? '',
        e.object.metadata.name,
      );
      if (e.type === 'DELETED') {
        this.track(this.stopEndpoint(key));
      } else if (e.type === 'ADDED') {
        const v = podView(e.object);
        if (v.role) this.track(this.startPodEndpoint(v));
      }
    });
  }

  /** Waits until endpoint changes in flight are done. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * Writes the history of every current endpoint over the last
   * `seconds`, as OpenMetrics for promtool (see `writeHistory`).
   */
  writeHistory(file: string, span: Omit<HistorySpan, 'endSeconds'>): number {
    const targets: HistoryTarget[] = [];
    for (const { target, startedAt, series } of this.endpoints.values()) {
      if (!series(this.context())) continue;
      targets.push({
        job: target.job,
        instance: target.address,
        labels: target.labels,
        startedAt,
        series: ctx => series(ctx) ?? [],
      });
    }
    return writeHistory(file, targets, t => this.context(t), {
      ...span,
      endSeconds: this.now(),
    });
  }

  /** The current scrape targets. */
  targets(): ScrapeTarget[] {
    return [...this.endpoints.values()]
      .map(e => e.target)
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  /** Closes every endpoint. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.pending]).catch(() => undefined);
    await Promise.all(
      [...this.endpoints.keys()].map(k => this.stopEndpoint(k)),
    );
  }
}
