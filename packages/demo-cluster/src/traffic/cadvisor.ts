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

import { containerUsage } from './containerUsage';
import { FamilyInfo, SeriesSpec } from './exposition';
import { ALL_FAMILIES, ScrapeContext } from './proxies';

/** The cAdvisor families the kubelet's `/metrics/cadvisor` endpoint serves here. */
export const CADVISOR_FAMILIES: Record<string, FamilyInfo> = {
  container_cpu_usage_seconds_total: {
    type: 'counter',
    help: 'Cumulative cpu time consumed in seconds.',
  },
  container_memory_working_set_bytes: {
    type: 'gauge',
    help: 'Current working set of the container in bytes.',
  },
};

/** HELP/TYPE of every family the demo's endpoints serve. */
export const EXPORTED_FAMILIES: Record<string, FamilyInfo> = {
  ...ALL_FAMILIES,
  ...CADVISOR_FAMILIES,
};

/**
 * What one node's kubelet serves on `/metrics/cadvisor` for its Running
 * pods: a series per running container (labels `namespace`, `pod`,
 * `container`, `image`, `cpu="total"` for CPU) and, as cAdvisor does for
 * the pod's cgroup, one with `container=""` holding the pod's total. A
 * container's CPU counter starts with its pod, so the live endpoint and the
 * history read the same.
 */
export function cadvisorSeries(node: string, ctx: ScrapeContext): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  for (const pod of ctx.pods) {
    if (pod.node !== node || pod.phase !== 'Running') continue;
    let podCores = 0;
    let podBytes = 0;
    const base = { namespace: pod.namespace, pod: pod.name };
    for (const c of pod.containers) {
      const { cores, bytes } = containerUsage(pod, c.name, ctx);
      podCores += cores;
      podBytes += bytes;
      const labels = { ...base, container: c.name, image: c.image };
      out.push({
        kind: 'counter',
        name: 'container_cpu_usage_seconds_total',
        labels: { ...labels, cpu: 'total' },
        rate: cores,
        fractional: true,
        startSeconds: pod.startedAt,
      });
      out.push({
        kind: 'gauge',
        name: 'container_memory_working_set_bytes',
        labels,
        value: bytes,
      });
    }
    const cgroup = { ...base, container: '', image: '' };
    out.push({
      kind: 'counter',
      name: 'container_cpu_usage_seconds_total',
      labels: { ...cgroup, cpu: 'total' },
      rate: podCores,
      fractional: true,
      startSeconds: pod.startedAt,
    });
    out.push({
      kind: 'gauge',
      name: 'container_memory_working_set_bytes',
      labels: cgroup,
      value: podBytes,
    });
  }
  return out;
}
