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

import { buildCluster, ClusterState } from '../cluster/buildCluster';
import { RT } from '../cluster/controller';
import { findResource } from '../k8s/resources';
import { TRAFFIC_PLAN } from './plan';
import { podView } from './proxies';

/**
 * The plan must describe traffic Istio could produce: a waypoint sits in
 * front of the ambient workloads that opted into it (Istio's "destination
 * waypoint"), never in front of a sidecar, and never on the caller's side.
 */
describe('the traffic plan routes waypoint traffic as Istio does', () => {
  let cloud: ClusterState;
  beforeAll(async () => {
    cloud = await buildCluster('cloud');
  });

  const viaWaypoint = TRAFFIC_PLAN.filter(e => e.via);

  it('has waypoint traffic to check', () => {
    expect(viaWaypoint.length).toBeGreaterThan(0);
  });

  it.each(viaWaypoint.map(e => [e.id, e] as const))(
    '%s: the waypoint is the destination namespace’s own, and the destination is ambient',
    (_id, edge) => {
      const d = edge.destination;
      const w = edge.via!.waypoint;
      const ns = cloud.store.get(RT.namespace, undefined, d.namespace);
      const labels = (ns?.metadata.labels ?? {}) as Record<string, string>;
      expect(labels['istio.io/dataplane-mode']).toBe('ambient');
      expect(labels['istio.io/use-waypoint']).toBe(w.deployment);
      // Without istio.io/use-waypoint-namespace the Gateway is looked up in
      // the namespace that carries the label.
      expect(labels['istio.io/use-waypoint-namespace']).toBeUndefined();
      expect(w.namespace).toBe(d.namespace);

      const gateway = cloud.store.get(
        findResource('gateway.networking.k8s.io', 'v1', 'gateways')!,
        w.namespace,
        w.deployment,
      );
      expect(gateway?.spec).toMatchObject({
        gatewayClassName: 'istio-waypoint',
      });

      const pods = cloud.store
        .list(RT.pod, d.namespace)
        .map(podView)
        .filter(p => p.workload === d.deployment);
      expect(pods.length).toBeGreaterThan(0);
      for (const p of pods) {
        expect(p.annotations['ambient.istio.io/redirection']).toBe('enabled');
        expect(p.role).toBeUndefined();
      }
    },
  );

  it('sends no traffic through a waypoint to a workload with a sidecar', () => {
    const sidecars = new Set(
      cloud.store
        .list(RT.pod)
        .map(podView)
        .filter(p => p.role === 'istio-sidecar')
        .map(p => `${p.namespace}/${p.workload}`),
    );
    expect(sidecars.size).toBeGreaterThan(0);
    for (const e of viaWaypoint) {
      expect(
        sidecars.has(`${e.destination.namespace}/${e.destination.deployment}`),
      ).toBe(false);
    }
  });
});
