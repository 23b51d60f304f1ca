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

/** One answer of the API server, body parsed. */
export interface ApiAnswer {
  status: number;
  body: any;
}

/** A tiny HTTP client for tests of the demo API server over real HTTP. */
export function apiClient(base: () => string, token = 'demo-admin-token') {
  async function call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    bearer = token,
  ): Promise<ApiAnswer> {
    let text: string | undefined;
    if (body !== undefined) {
      text = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${bearer}`,
        ...(text !== undefined ? { 'Content-Type': contentType } : {}),
      },
      body: text,
    });
    const answer = await res.text();
    return {
      status: res.status,
      body: answer ? JSON.parse(answer) : undefined,
    };
  }
  return {
    call,
    get: (path: string, bearer?: string) =>
      call('GET', path, undefined, undefined, bearer),
    as: (bearer: string) => apiClient(base, bearer),
  };
}
