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

import { ResourceType } from './resources';
import { StatusError } from './status';
import { KubeObject, ObjectStore } from './store';

/** What a validating admission plugin is asked about one write. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: ResourceType;
  namespace?: string;
  name: string;
  /** The object as it would be stored (undefined for DELETE). */
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  /** Reads what is stored, e.g. the namespace's labels. */
  store: ObjectStore;
}

/**
 * A validating admission plugin: returns the Status error that refuses the
 * write, or undefined to admit it. It runs after validation and before the
 * object is stored, for writes through the API and for the pods the demo's
 * controllers create, as admission does in a real cluster.
 */
export interface AdmissionPlugin {
  name: string;
  validate(request: AdmissionRequest): StatusError | undefined;
}

/** Runs plugins in order; throws the first refusal. */
export function admit(
  plugins: AdmissionPlugin[],
  request: AdmissionRequest,
): void {
  for (const p of plugins) {
    const refusal = p.validate(request);
    if (refusal) throw refusal;
  }
}
