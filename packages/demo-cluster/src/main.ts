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

/* eslint-disable no-console */

import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { CLUSTERS, DemoClusterName } from './cluster/buildCluster';
import {
  DemoCluster,
  StartDemoClusterOptions,
  startDemoCluster,
} from './startDemoCluster';

const USAGE = `Usage: node --require @backstage/cli/config/nodeTransform.cjs packages/demo-cluster/src/main.ts [options]

Starts the Meshlens demo clusters on 127.0.0.1 until SIGINT/SIGTERM.

Options (0 picks a free port):
  --homelab-port N             Kubernetes API of homelab (default 16443)
  --cloud-port N               Kubernetes API of cloud (default 16444)
  --prometheus-homelab-port N  Prometheus of homelab (default 19090)
  --prometheus-cloud-port N    Prometheus of cloud (default 19091)
  --scrape-interval S          Prometheus scrape interval in seconds (default 2)
  --no-prometheus              Do not start Prometheus
  --request-log FILE           Append every API request as a JSON line
                               (cluster, method, verb, path, query, user, code)
  --rbac-manifest FILE         RBAC mode: enforce this file's ClusterRoles,
                               Roles and bindings for the --rbac-token tokens
  --rbac-token TOKEN=USER      A token RBAC mode authorizes as USER, e.g.
                               meshlens-sa=system:serviceaccount:meshlens:meshlens
                               (repeatable; other tokens keep full access)
  --without-crd CLUSTER:REF    Do not serve a CRD version, e.g.
                               cloud:security.istio.io/v1/peerauthentications
                               (repeatable)
  --slow-rollout-ms N          New pods stay unready N ms
  --slow-rollout-namespaces L  ... only in these namespaces (comma-separated)
  --help`;

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--${name} must be a port number, got ${value}`);
  }
  return n;
}

function apiOptions(values: {
  'request-log'?: string;
  'rbac-manifest'?: string;
  'rbac-token'?: string[];
  'without-crd'?: string[];
  'slow-rollout-ms'?: string;
  'slow-rollout-namespaces'?: string;
}): StartDemoClusterOptions {
  const options: StartDemoClusterOptions = {};
  const log = values['request-log'];
  if (log) {
    options.onRequest = (cluster, record) =>
      fs.appendFileSync(log, `${JSON.stringify({ cluster, ...record })}\n`);
  }
  const tokens = values['rbac-token'] ?? [];
  if (values['rbac-manifest']) {
    const users: Record<string, string> = {};
    for (const t of tokens) {
      const i = t.indexOf('=');
      if (i <= 0 || i === t.length - 1) {
        throw new Error(`--rbac-token must be TOKEN=USER, got ${t}`);
      }
      users[t.slice(0, i)] = t.slice(i + 1);
    }
    options.rbac = { manifestFile: values['rbac-manifest'], users };
  } else if (tokens.length > 0) {
    throw new Error('--rbac-token needs --rbac-manifest');
  }
  for (const w of values['without-crd'] ?? []) {
    const [cluster, ref] = w.split(':', 2) as [DemoClusterName, string];
    const defaults = CLUSTERS[cluster]?.crds;
    if (!defaults || !ref || !defaults.includes(ref)) {
      throw new Error(
        `--without-crd must be CLUSTER:group/version/plural of a CRD that cluster serves, got ${w}`,
      );
    }
    const crds = { ...options.crds };
    crds[cluster] = (crds[cluster] ?? defaults).filter(r => r !== ref);
    options.crds = crds;
  }
  if (values['slow-rollout-ms']) {
    const ms = Number(values['slow-rollout-ms']);
    if (!Number.isInteger(ms) || ms < 0) {
      throw new Error(
        `--slow-rollout-ms must be a whole number of milliseconds, got ${values['slow-rollout-ms']}`,
      );
    }
    options.slowRollout = {
      readyDelayMs: ms,
      namespaces: values['slow-rollout-namespaces']
        ?.split(',')
        .map(n => n.trim())
        .filter(Boolean),
    };
  }
  return options;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'homelab-port': { type: 'string' },
      'cloud-port': { type: 'string' },
      'prometheus-homelab-port': { type: 'string' },
      'prometheus-cloud-port': { type: 'string' },
      'scrape-interval': { type: 'string' },
      'no-prometheus': { type: 'boolean' },
      'request-log': { type: 'string' },
      'rbac-manifest': { type: 'string' },
      'rbac-token': { type: 'string', multiple: true },
      'without-crd': { type: 'string', multiple: true },
      'slow-rollout-ms': { type: 'string' },
      'slow-rollout-namespaces': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const ports = Object.fromEntries(
    Object.entries({
      homelab: port(values['homelab-port'], 'homelab-port'),
      cloud: port(values['cloud-port'], 'cloud-port'),
      prometheusHomelab: port(
        values['prometheus-homelab-port'],
        'prometheus-homelab-port',
      ),
      prometheusCloud: port(
        values['prometheus-cloud-port'],
        'prometheus-cloud-port',
      ),
    }).filter(([, v]) => v !== undefined),
  );
  const scrape = values['scrape-interval']
    ? Number(values['scrape-interval'])
    : undefined;

  const running: { demo?: DemoCluster } = {};
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await running.demo?.stop();
    } finally {
      process.exit(code);
    }
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  const demo = await startDemoCluster({
    ports,
    prometheus: values['no-prometheus']
      ? false
      : { scrapeIntervalSeconds: scrape },
    ...apiOptions(values),
  });
  running.demo = demo;
  if (stopping) {
    await demo.stop();
    return;
  }
  const p = demo.prometheusUrls;
  const prometheusPart = p
    ? ` prometheus homelab=${p.homelab} cloud=${p.cloud}`
    : '';
  console.log(
    `demo cluster ready: homelab=${demo.apiUrls.homelab} cloud=${demo.apiUrls.cloud}${prometheusPart}`,
  );
  for (const cluster of Object.values(demo.clusters)) {
    const history = cluster.prometheusHistory;
    if (history && 'skipped' in history) {
      console.warn(
        `demo cluster ${cluster.name}: Prometheus starts without history (${history.skipped}); rates over 5m read low for the first minutes`,
      );
    }
  }

  // If whoever started us dies without signalling, we are re-parented: stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 1000).unref();
  // Keep the event loop alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch(e => {
  console.error(`demo cluster failed to start: ${(e as Error).message}`);
  process.exit(1);
});
