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

/** A workload taking part in demo traffic. */
export interface TrafficWorkload {
  namespace: string;
  /** The Deployment name (also the workload label of every mesh). */
  deployment: string;
  serviceAccount: string;
}

/** The called side of an edge. */
export interface TrafficDestination extends TrafficWorkload {
  service: string;
  port: number;
}

/** One edge of demo traffic, as configured; exporters and tests read it. */
export interface TrafficEdge {
  id: string;
  cluster: 'homelab' | 'cloud';
  /** Which data plane reports the edge. */
  mesh: 'linkerd' | 'istio' | 'cilium';
  /** The caller; undefined for a caller outside the cluster (ingress traffic). */
  source?: TrafficWorkload;
  destination: TrafficDestination;
  /** Requests per second over the whole edge (all pods). */
  requestsPerSecond: number;
  /** Share of responses that are not failures (HTTP 5xx). */
  successRatio: number;
  /** Status codes of the failures, used in turn. */
  failureStatusCodes: number[];
  /** Latency distribution (log-normal through these quantiles). */
  latencyMs: { p50: number; p99: number };
  method: string;
  /**
   * Whether the hop is mutually authenticated where both ends have a proxy.
   * For Linkerd the share of mTLS requests follows the destination pods: a
   * pod without a proxy receives plaintext (payments has one).
   */
  mtls: boolean;
  /**
   * L7 traffic to an ambient destination that goes through the
   * destination's waypoint (reporter="waypoint"). Istio puts a waypoint in
   * front of ambient workloads only: never in front of a sidecar.
   */
  via?: { waypoint: TrafficWorkload };
}

const homelab = 'homelab' as const;
const cloud = 'cloud' as const;

const storefront: TrafficDestination = {
  namespace: 'storefront',
  deployment: 'storefront',
  serviceAccount: 'storefront',
  service: 'storefront',
  port: 8080,
};
const payments: TrafficDestination = {
  namespace: 'payments',
  deployment: 'payments',
  serviceAccount: 'payments',
  service: 'payments',
  port: 8080,
};
const homelabShipping: TrafficDestination = {
  namespace: 'shipping',
  deployment: 'shipping',
  serviceAccount: 'shipping',
  service: 'shipping',
  port: 8080,
};
const sensorGateway: TrafficDestination = {
  namespace: 'sensors',
  deployment: 'sensor-gateway',
  serviceAccount: 'sensor-gateway',
  service: 'sensor-gateway',
  port: 8080,
};
const orders: TrafficDestination = {
  namespace: 'orders',
  deployment: 'orders',
  serviceAccount: 'orders',
  service: 'orders',
  port: 8080,
};
const inventory: TrafficDestination = {
  namespace: 'inventory',
  deployment: 'inventory',
  serviceAccount: 'inventory',
  service: 'inventory',
  port: 8080,
};
const cloudShipping: TrafficDestination = {
  namespace: 'shipping',
  deployment: 'shipping',
  serviceAccount: 'shipping',
  service: 'shipping',
  port: 8080,
};
const recommendations: TrafficDestination = {
  namespace: 'recommendations',
  deployment: 'recommendations',
  serviceAccount: 'recommendations',
  service: 'recommendations',
  port: 8080,
};

/**
 * The demo traffic. Tests compute expected PromQL results from this object,
 * independently of the exporters.
 */
export const TRAFFIC_PLAN: TrafficEdge[] = [
  {
    id: 'homelab/ingress->storefront',
    cluster: homelab,
    mesh: 'linkerd',
    destination: storefront,
    requestsPerSecond: 24,
    successRatio: 0.998,
    failureStatusCodes: [503],
    latencyMs: { p50: 18, p99: 140 },
    method: 'GET',
    mtls: false,
  },
  {
    id: 'homelab/storefront->payments',
    cluster: homelab,
    mesh: 'linkerd',
    source: storefront,
    destination: payments,
    requestsPerSecond: 8,
    successRatio: 0.97,
    failureStatusCodes: [500],
    latencyMs: { p50: 35, p99: 420 },
    method: 'POST',
    mtls: true,
  },
  {
    id: 'homelab/storefront->shipping',
    cluster: homelab,
    mesh: 'linkerd',
    source: storefront,
    destination: homelabShipping,
    requestsPerSecond: 12,
    successRatio: 0.999,
    failureStatusCodes: [503],
    latencyMs: { p50: 22, p99: 160 },
    method: 'GET',
    mtls: true,
  },
  {
    id: 'homelab/sensor-bridge->sensor-gateway',
    cluster: homelab,
    mesh: 'cilium',
    source: {
      namespace: 'sensors',
      deployment: 'sensor-bridge',
      serviceAccount: 'default',
    },
    destination: sensorGateway,
    requestsPerSecond: 30,
    successRatio: 0.995,
    failureStatusCodes: [500],
    latencyMs: { p50: 4, p99: 45 },
    method: 'POST',
    mtls: true,
  },
  {
    id: 'cloud/orders->inventory',
    cluster: cloud,
    mesh: 'istio',
    source: orders,
    destination: inventory,
    requestsPerSecond: 15,
    successRatio: 0.995,
    failureStatusCodes: [503],
    latencyMs: { p50: 12, p99: 95 },
    method: 'GET',
    mtls: true,
  },
  {
    id: 'cloud/orders->shipping',
    cluster: cloud,
    mesh: 'istio',
    source: orders,
    destination: cloudShipping,
    requestsPerSecond: 6,
    successRatio: 0.99,
    failureStatusCodes: [503],
    latencyMs: { p50: 30, p99: 260 },
    method: 'POST',
    mtls: true,
  },
  {
    id: 'cloud/recommendations->inventory',
    cluster: cloud,
    mesh: 'istio',
    source: recommendations,
    destination: inventory,
    requestsPerSecond: 9,
    successRatio: 0.999,
    failureStatusCodes: [503],
    latencyMs: { p50: 8, p99: 60 },
    method: 'GET',
    // ztunnel carries it (L4, HBONE) to inventory's sidecar, which reports
    // it; the recommendations waypoint only fronts recommendations itself.
    mtls: true,
  },
  {
    id: 'cloud/orders->recommendations',
    cluster: cloud,
    mesh: 'istio',
    source: orders,
    destination: recommendations,
    requestsPerSecond: 5,
    successRatio: 0.996,
    failureStatusCodes: [503],
    latencyMs: { p50: 10, p99: 80 },
    method: 'GET',
    mtls: true,
    // The destination's waypoint (recommendations is ambient and its
    // namespace says istio.io/use-waypoint: waypoint) reports the request.
    via: {
      waypoint: {
        namespace: 'recommendations',
        deployment: 'waypoint',
        serviceAccount: 'waypoint',
      },
    },
  },
  {
    id: 'cloud/batch-importer->inventory',
    cluster: cloud,
    mesh: 'istio',
    source: {
      namespace: 'jobs',
      deployment: 'batch-importer',
      serviceAccount: 'batch-importer',
    },
    destination: inventory,
    requestsPerSecond: 4,
    successRatio: 0.98,
    failureStatusCodes: [500],
    latencyMs: { p50: 45, p99: 600 },
    method: 'PUT',
    mtls: false,
  },
];

/** Linkerd's latency buckets (response_latency_ms), in ms. */
export const LINKERD_LATENCY_BUCKETS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000,
  4000, 5000, 10000, 20000, 30000, 40000, 50000,
];

/** Istio's (Envoy's default) buckets of istio_request_duration_milliseconds. */
export const ISTIO_DURATION_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];

/** Prometheus' default buckets, used by Hubble's request duration, in seconds. */
export const HUBBLE_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
