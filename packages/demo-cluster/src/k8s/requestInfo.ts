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

import { ResourceAttributes } from './rbac';

/**
 * What a request asks for, read from its path alone, as kube-apiserver's
 * RequestInfoResolver does before authorization: a user without rights
 * gets 403 even for a resource the server does not serve. Undefined for
 * non-resource paths (discovery, /version, health).
 */
export function resourceAttributesOf(
  method: string,
  segments: string[],
  query: URLSearchParams,
): ResourceAttributes | undefined {
  let apiGroup: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    apiGroup = '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    apiGroup = segments[1];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    // A namespace is itself the object: its own namespace for authorization.
    namespace = rest[1];
  }
  const resource = rest[0];
  const name = rest[1];
  const watch = ['true', '1'].includes(query.get('watch') ?? '');
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) verb = 'watch';
      else verb = name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  return {
    verb,
    apiGroup,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}
