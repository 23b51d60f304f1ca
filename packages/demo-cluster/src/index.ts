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

/**
 * A meshed demo cluster on 127.0.0.1: a Kubernetes API subset per cluster,
 * simulated Linkerd/Istio/Cilium proxies and a real Prometheus per cluster.
 *
 * @packageDocumentation
 */

export { startDemoCluster, DEFAULT_PORTS } from './startDemoCluster';
export type {
  DemoCluster,
  RunningCluster,
  StartDemoClusterOptions,
} from './startDemoCluster';
export { TRAFFIC_PLAN } from './traffic/plan';
export {
  CONTAINER_USAGE,
  SYSTEM_CONTAINER_USAGE,
  UNKNOWN_SYSTEM_USAGE,
} from './traffic/containerUsage';
export type {
  ContainerClass,
  ContainerUsageModel,
} from './traffic/containerUsage';
export { KUBELET_JOB } from './traffic/exporterManager';
export type {
  TrafficEdge,
  TrafficWorkload,
  TrafficDestination,
} from './traffic/plan';
export { startApiServer, createApiHandler } from './k8s/apiServer';
export type {
  RunningApiServer,
  ApiServerOptions,
  RbacOptions,
  RequestRecord,
  ApiFault,
  FaultRequest,
} from './k8s/apiServer';
export { DEMO_ADMIN_USER } from './k8s/apiServer';
export {
  loadRbacManifest,
  rbacAllows,
  rbacPolicyFromObjects,
} from './k8s/rbac';
export type { RbacPolicy, PolicyRule, ResourceAttributes } from './k8s/rbac';
export { ServedApis, ALL_CRD_VERSIONS } from './k8s/servedApis';
export type { CrdVersionRef } from './k8s/servedApis';
export type { AdmissionPlugin, AdmissionRequest } from './k8s/admission';
export { podSecurityAdmission } from './k8s/podSecurity';
export { ObjectStore } from './k8s/store';
export { findResource } from './k8s/resources';
export { buildCluster, CLUSTERS } from './cluster/buildCluster';
export type {
  ClusterState,
  DemoClusterName,
  ClusterDefinition,
} from './cluster/buildCluster';
export { PrometheusMissingError } from './prometheus/prometheus';
