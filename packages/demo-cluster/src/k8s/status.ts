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

/** A metav1.Status cause. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A metav1.Status body, as the API server sends for errors. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
  };
  code: number;
}

/** An error that the server renders as a Status object. */
export class StatusError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody['details'],
): StatusError {
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
  return new StatusError(body);
}

/** `pods` or `deployments.apps`, as error messages name a resource. */
export function qualifiedResource(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function groupDetail(r: ResourceType): { group?: string } {
  return r.group ? { group: r.group } : {};
}

export const Errors = {
  unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string, details: StatusBody['details']) =>
    failure(403, 'Forbidden', message, details),
  expired: (message: string) => failure(410, 'Expired', message),
  preconditionUid: (r: ResourceType, name: string, want: string, got: string) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(
        r,
      )} "${name}": Precondition failed: UID in precondition: ${want}, UID in object meta: ${got}`,
      { name, ...groupDetail(r), kind: r.plural },
    ),
  preconditionResourceVersion: (
    r: ResourceType,
    name: string,
    want: string,
    got: string,
  ) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(
        r,
      )} "${name}": Precondition failed: ResourceVersion in precondition: ${want}, ResourceVersion in meta: ${got}`,
      { name, ...groupDetail(r), kind: r.plural },
    ),
  notFound: (r: ResourceType, name: string) =>
    failure(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, {
      name,
      ...groupDetail(r),
      kind: r.plural,
    }),
  namespaceNotFound: (name: string) =>
    failure(404, 'NotFound', `namespaces "${name}" not found`, {
      name,
      kind: 'namespaces',
    }),
  noResource: () =>
    failure(
      404,
      'NotFound',
      'the server could not find the requested resource',
      {},
    ),
  alreadyExists: (r: ResourceType, name: string) =>
    failure(
      409,
      'AlreadyExists',
      `${qualifiedResource(r)} "${name}" already exists`,
      { name, ...groupDetail(r), kind: r.plural },
    ),
  conflict: (r: ResourceType, name: string) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(
        r,
      )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, ...groupDetail(r), kind: r.plural },
    ),
  applyConflict: (
    conflicts: Array<{
      manager: string;
      operation: 'Apply' | 'Update';
      apiVersion: string;
      field: string;
    }>,
  ) => {
    // As apiserver's fieldmanager prints a manager: an applier by name
    // only, an updater with the apiVersion it wrote.
    const managerOf = (c: (typeof conflicts)[number]) =>
      c.operation === 'Update'
        ? `"${c.manager}" using ${c.apiVersion}`
        : `"${c.manager}"`;
    const causes = conflicts.map(c => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${managerOf(c)}`,
      field: c.field,
    }));
    let message: string;
    if (conflicts.length === 1) {
      message = `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`;
    } else {
      const byManager = new Map<string, string[]>();
      for (const c of conflicts) {
        const list = byManager.get(managerOf(c)) ?? [];
        list.push(c.field);
        byManager.set(managerOf(c), list);
      }
      const lines = [...byManager.keys()]
        .sort()
        .flatMap(m => [
          `conflicts with ${m}`,
          ...byManager.get(m)!.map(f => `- ${f}`),
        ]);
      message = `Apply failed with ${conflicts.length} conflicts: ${lines.join(
        '\n',
      )}`;
    }
    return failure(409, 'Conflict', message, { causes });
  },
  invalid: (
    r: ResourceType,
    name: string,
    causes: Array<{ field: string; message: string; reason?: string }>,
  ) => {
    const kindName = r.group ? `${r.kind}.${r.group}` : r.kind;
    const summary = causes.map(c => `${c.field}: ${c.message}`);
    return failure(
      422,
      'Invalid',
      `${kindName} "${name}" is invalid: ${
        summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`
      }`,
      {
        name,
        ...groupDetail(r),
        kind: r.kind,
        causes: causes.map(c => ({
          reason: c.reason ?? 'FieldValueInvalid',
          message: c.message,
          field: c.field,
        })),
      },
    );
  },
  patchFailed: (message: string) => failure(422, 'Invalid', message, {}),
  badRequest: (message: string) => failure(400, 'BadRequest', message),
  unsupportedMediaType: (accepted: string[]) =>
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
        ', ',
      )}`,
    ),
  methodNotAllowed: (message: string) =>
    failure(405, 'MethodNotAllowed', message, {}),
  internal: (message: string) =>
    failure(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    }),
};

/** The Status body of a successful delete of a resource that is not returned. */
export function deletedStatus(
  r: ResourceType,
  name: string,
  uid: string,
): Omit<StatusBody, 'code'> & { code?: number } {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...groupDetail(r), kind: r.plural, uid },
  };
}
