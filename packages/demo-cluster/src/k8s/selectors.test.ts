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

import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';

describe('label selectors', () => {
  const labels = {
    app: 'web',
    tier: 'front',
    'linkerd.io/control-plane-ns': 'linkerd',
  };
  const match = (s: string, l: Record<string, string> = labels) =>
    matchesLabels(parseLabelSelector(s), l);

  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (api, web)', true],
    ['app in (api)', false],
    ['missing in (x)', false],
    ['app notin (api)', true],
    ['app notin (web,api)', false],
    ['missing notin (x)', true],
    ['linkerd.io/control-plane-ns', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app in (web),!missing,linkerd.io/control-plane-ns=linkerd', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(match(selector)).toBe(expected);
  });

  it.each([
    'app in (web',
    'app in ()',
    'bad key!=x',
    '=x',
    'app=has space',
    'a,,b',
  ])('rejects %j', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  it('matches metadata.name and metadata.namespace', () => {
    const reqs = parseFieldSelector(
      'metadata.namespace=shop,metadata.name!=web',
      'v1',
    );
    expect(matchesFields(reqs, { name: 'api', namespace: 'shop' })).toBe(true);
    expect(matchesFields(reqs, { name: 'web', namespace: 'shop' })).toBe(false);
    expect(matchesFields(reqs, { name: 'api', namespace: 'other' })).toBe(
      false,
    );
  });

  it('rejects other fields like the API server does', () => {
    expect(() => parseFieldSelector('spec.nodeName=a', 'v1')).toThrow(
      '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect(() => parseFieldSelector('spec.x=a', 'cilium.io/v2')).toThrow(
      'field label not supported: spec.x',
    );
  });
});
