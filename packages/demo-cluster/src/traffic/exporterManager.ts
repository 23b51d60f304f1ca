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
import { CounterExporter } from './exposition';
import { HistorySpan, HistoryTarget, writeHistory } from './history';
import { TrafficEdge } from './plan';
import {
  ALL_FAMILIES,
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
  role: ExporterRole;
  pod: string;
  namespace: string;
}

interface Endpoint {
  target: ScrapeTarget;
  server: http.Server;
}

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
 * agents, ztunnels, waypoints, istiod), following the pods in the store:
 * a rollout restart replaces endpoints as it replaces pods.
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

  private async startEndpoint(view: PodView): Promise<void> {
    const key = this.key(view.namespace, view.name);
    const exporter = new CounterExporter(view.startedAt, ALL_FAMILIES);
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      const ctx = this.context();
      const current = ctx.pods.find(
        p => p.namespace === view.namespace && p.name === view.name,
      );
      if (!current) {
        res.writeHead(503).end('pod is gone\n');
        return;
      }
      const body = exporter.render(seriesFor(current, ctx), ctx.nowSeconds);
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
    const role = view.role!;
    this.endpoints.set(key, {
      server,
      target: {
        job: JOB_OF_ROLE[role],
        address: `${this.host}:${port}`,
        metricsPath:
          role === 'istio-sidecar' || role === 'istio-waypoint'
            ? '/stats/prometheus'
            : '/metrics',
        labels: targetLabels(view),
        role,
        pod: view.name,
        namespace: view.namespace,
      },
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
    await Promise.all(views.map(v => this.startEndpoint(v)));
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
        if (v.role) this.track(this.startEndpoint(v));
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
    const pods = new Map(
      this.context().pods.map(p => [this.key(p.namespace, p.name), p]),
    );
    const targets: HistoryTarget[] = [];
    for (const [key, { target }] of this.endpoints) {
      const pod = pods.get(key);
      if (!pod) continue;
      targets.push({
        pod,
        job: target.job,
        instance: target.address,
        labels: target.labels,
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
