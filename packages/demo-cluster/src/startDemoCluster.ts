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
  buildCluster,
  ClusterState,
  DemoClusterName,
} from './cluster/buildCluster';
import {
  ApiFault,
  FaultRequest,
  RequestRecord,
  RunningApiServer,
  startApiServer,
} from './k8s/apiServer';
import { loadRbacManifest } from './k8s/rbac';
import { CrdVersionRef } from './k8s/servedApis';
import {
  PrometheusHistory,
  RunningPrometheus,
  startPrometheus,
} from './prometheus/prometheus';
import { ExporterManager } from './traffic/exporterManager';
import { TRAFFIC_PLAN, TrafficEdge } from './traffic/plan';

/** The default ports: the contract with app-config.yaml. */
export const DEFAULT_PORTS = {
  homelab: 16443,
  cloud: 16444,
  prometheusHomelab: 19090,
  prometheusCloud: 19091,
} as const;

/** Options of startDemoCluster. */
export interface StartDemoClusterOptions {
  /** Ports; 0 picks a free one. Defaults: DEFAULT_PORTS. */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** Run a real Prometheus per cluster (default true). */
  prometheus?:
    | boolean
    | {
        scrapeIntervalSeconds?: number;
        binary?: string;
        /** Parent directory of the throw-away Prometheus directories. */
        workDir?: string;
        /**
         * Minutes of history loaded before the first scrape, so 5m rates
         * and the 1h chart are right from the start (default 60; 0: none).
         */
        historyMinutes?: number;
        /** Seconds between two samples of that history (default 30). */
        historyStepSeconds?: number;
      };
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Traffic plan (default TRAFFIC_PLAN). */
  plan?: TrafficEdge[];
  /** Days until homelab's Linkerd issuer expires (default 20). */
  linkerdIssuerDaysLeft?: number;
  /** CRD versions a cluster serves instead of its defaults (`group/version/plural`). */
  crds?: Partial<Record<DemoClusterName, CrdVersionRef[]>>;
  /**
   * RBAC mode: requests with these tokens are authorized by the manifest's
   * ClusterRoles, Roles and bindings; other tokens keep full access.
   */
  rbac?: {
    /** A YAML file of ClusterRole/Role/ClusterRoleBinding/RoleBinding. */
    manifestFile: string;
    /** Token → user, e.g. `system:serviceaccount:meshlens:meshlens`. */
    users: Record<string, string>;
  };
  /** Called after each API request was answered, with its cluster. */
  onRequest?: (cluster: DemoClusterName, record: RequestRecord) => void;
  /**
   * Fault injection for tests (off by default): a fault to inflict on a
   * request of a cluster, before it is handled (see ApiFault).
   */
  faults?: (
    cluster: DemoClusterName,
    request: FaultRequest,
  ) => ApiFault | undefined;
  /** New pods stay unready this long (ms), in these namespaces (default all). */
  slowRollout?: { readyDelayMs: number; namespaces?: string[] };
}

/** One running demo cluster. */
export interface RunningCluster {
  name: DemoClusterName;
  apiUrl: string;
  prometheusUrl?: string;
  /** The history loaded into Prometheus before its first scrape, or why none was. */
  prometheusHistory?: PrometheusHistory;
  state: ClusterState;
  exporters: ExporterManager;
  /** Expires every continue token issued so far (the next page answers 410). */
  expireContinueTokens(): void;
}

/** The running demo. */
export interface DemoCluster {
  apiUrls: Record<DemoClusterName, string>;
  /** Undefined when started without Prometheus. */
  prometheusUrls?: Record<DemoClusterName, string>;
  trafficPlan: TrafficEdge[];
  clusters: Record<DemoClusterName, RunningCluster>;
  /** Stops every server and child process. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts both demo clusters: a Kubernetes API subset per cluster, the
 * simulated proxies' metrics endpoints and, unless disabled, a real
 * Prometheus per cluster scraping them.
 */
export async function startDemoCluster(
  options: StartDemoClusterOptions = {},
): Promise<DemoCluster> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const host = options.host ?? '127.0.0.1';
  const plan = options.plan ?? TRAFFIC_PLAN;
  let promOptions:
    | Exclude<StartDemoClusterOptions['prometheus'], boolean>
    | undefined;
  if (options.prometheus !== false) {
    promOptions =
      typeof options.prometheus === 'object' ? options.prometheus : {};
  }

  const historySeconds = (promOptions?.historyMinutes ?? 60) * 60;
  const rbac = options.rbac
    ? {
        policy: loadRbacManifest(options.rbac.manifestFile),
        users: options.rbac.users,
      }
    : undefined;
  const states: ClusterState[] = [];
  const servers: RunningApiServer[] = [];
  const exporters: ExporterManager[] = [];
  const prometheuses: RunningPrometheus[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled(prometheuses.map(p => p.stop()));
    await Promise.allSettled(exporters.map(e => e.stop()));
    await Promise.allSettled(servers.map(s => s.close()));
    for (const state of states) state.controller.stop();
  };

  try {
    const names: DemoClusterName[] = ['homelab', 'cloud'];
    const running = {} as Record<DemoClusterName, RunningCluster>;
    // The clusters start side by side: each one's history is written and
    // loaded while the other's is.
    await Promise.all(
      names.map(async name => {
        const state = await buildCluster(name, {
          linkerdIssuerDaysLeft: options.linkerdIssuerDaysLeft,
          crds: options.crds?.[name],
          slowRollout: options.slowRollout,
        });
        states.push(state);
        const onRequest = options.onRequest;
        const api = await startApiServer({
          store: state.store,
          port: name === 'homelab' ? ports.homelab : ports.cloud,
          host,
          servedApis: state.servedApis,
          admission: state.admission,
          rbac,
          onRequest: onRequest ? r => onRequest(name, r) : undefined,
          faults: options.faults
            ? request => options.faults?.(name, request)
            : undefined,
        });
        servers.push(api);
        let prometheus: RunningPrometheus | undefined;
        const manager = new ExporterManager({
          state,
          plan,
          host,
          onTargetsChanged: targets => prometheus?.setTargets(targets),
        });
        exporters.push(manager);
        await manager.start();
        if (promOptions) {
          prometheus = await startPrometheus(
            {
              cluster: name,
              port:
                name === 'homelab'
                  ? ports.prometheusHomelab
                  : ports.prometheusCloud,
              host,
              scrapeIntervalSeconds: promOptions.scrapeIntervalSeconds,
              binary: promOptions.binary,
              workDir: promOptions.workDir,
              history: historySeconds
                ? file =>
                    manager.writeHistory(file, {
                      seconds: historySeconds,
                      stepSeconds: promOptions?.historyStepSeconds ?? 30,
                      // The last minutes as often as a few scrapes, so a 5m
                      // window reads right while it still holds history.
                      recentSeconds: 360,
                      recentStepSeconds: Math.max(
                        5,
                        promOptions?.scrapeIntervalSeconds ?? 2,
                      ),
                    })
                : undefined,
            },
            manager.targets(),
          );
          prometheuses.push(prometheus);
        }
        running[name] = {
          name,
          apiUrl: api.url,
          prometheusUrl: prometheus?.url,
          prometheusHistory: prometheus?.history,
          state,
          exporters: manager,
          expireContinueTokens: () => api.expireContinueTokens(),
        };
      }),
    );
    return {
      apiUrls: { homelab: running.homelab.apiUrl, cloud: running.cloud.apiUrl },
      prometheusUrls: promOptions
        ? {
            homelab: running.homelab.prometheusUrl!,
            cloud: running.cloud.prometheusUrl!,
          }
        : undefined,
      trafficPlan: plan,
      clusters: running,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
