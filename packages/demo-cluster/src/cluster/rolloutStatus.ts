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

import { isObject, JsonObject } from '../k8s/patch';
import { KubeObject } from '../k8s/store';

/** Whether a pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  const status = isObject(pod.status) ? pod.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some(
    c => isObject(c) && c.type === 'Ready' && c.status === 'True',
  );
}

/** The ReplicaFailure condition the ReplicaSet controller sets when a pod create fails. */
export function replicaFailure(message: string, at: string): JsonObject {
  return {
    type: 'ReplicaFailure',
    status: 'True',
    reason: 'FailedCreate',
    message,
    lastTransitionTime: at,
  };
}

/** A ReplicaSet's failure condition, if any. */
export function failureOf(rs: KubeObject): JsonObject | undefined {
  const status = isObject(rs.status) ? rs.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find(
    (c): c is JsonObject => isObject(c) && c.type === 'ReplicaFailure',
  );
}

/** The status a ReplicaSet controller writes for these pods. */
export function replicaSetStatus(
  rs: KubeObject,
  pods: KubeObject[],
  failure: JsonObject | undefined,
): JsonObject {
  const ready = pods.filter(isPodReady).length;
  return {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
    ...(failure ? { conditions: [failure] } : {}),
  };
}

/**
 * The status a Deployment controller writes during and after a rolling
 * update: counts over every ReplicaSet, Progressing until the new one is
 * fully available, and the new ReplicaSet's failure copied up.
 */
export function deploymentStatus(options: {
  deployment: KubeObject;
  replicas: number;
  newRsName: string;
  newPods: KubeObject[];
  oldPods: KubeObject[];
  failure: JsonObject | undefined;
  at: string;
}): JsonObject {
  const { deployment, replicas, newRsName, newPods, oldPods, failure, at } =
    options;
  const all = [...newPods, ...oldPods];
  const ready = all.filter(isPodReady).length;
  const newReady = newPods.filter(isPodReady).length;
  const complete =
    newReady >= replicas && oldPods.length === 0 && newPods.length >= replicas;
  // maxUnavailable 25%, rounded down, as the default RollingUpdate strategy.
  const minAvailable = replicas - Math.floor(replicas / 4);
  const conditions: JsonObject[] = [
    {
      type: 'Available',
      status: ready >= minAvailable ? 'True' : 'False',
      reason:
        ready >= minAvailable
          ? 'MinimumReplicasAvailable'
          : 'MinimumReplicasUnavailable',
      message:
        ready >= minAvailable
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
      lastTransitionTime: at,
      lastUpdateTime: at,
    },
    {
      type: 'Progressing',
      status: 'True',
      reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      message: complete
        ? `ReplicaSet "${newRsName}" has successfully progressed.`
        : `ReplicaSet "${newRsName}" is progressing.`,
      lastTransitionTime: at,
      lastUpdateTime: at,
    },
  ];
  if (failure) conditions.push({ ...failure, lastUpdateTime: at });
  return {
    replicas: all.length,
    updatedReplicas: newPods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    ...(all.length - ready > 0
      ? { unavailableReplicas: Math.max(0, replicas - ready) }
      : {}),
    observedGeneration: deployment.metadata.generation ?? 1,
    conditions,
  };
}
