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

// This parser deliberately does not use the selector code of
// @meshlens/plugin-mesh-node. The demo cluster plays the API server that
// Meshlens talks to: with one shared parser, a bug in it would be made on
// both sides of the wire and every test would still pass. Keeping a second,
// independent reading of the Kubernetes syntax is what lets the tests catch
// such a bug.

/** Thrown for a selector the API server would reject with 400 BadRequest. */
export class SelectorError extends Error {}

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!'; values: [] };

const KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const KEY_PREFIX =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function checkKey(key: string, selector: string): void {
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (
    !KEY_NAME.test(name) ||
    (prefix !== undefined && (prefix.length > 253 || !KEY_PREFIX.test(prefix)))
  ) {
    throw new SelectorError(
      `unable to parse requirement: found '${key}', expected: valid label key in selector '${selector}'`,
    );
  }
}

function checkValue(value: string, selector: string): void {
  if (!VALUE.test(value)) {
    throw new SelectorError(
      `unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (selector '${selector}')`,
    );
  }
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) {
      throw new SelectorError(`unable to parse selector '${selector}'`);
    }
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) {
    throw new SelectorError(
      `unable to parse requirement: found '(', expected: ')' in selector '${selector}'`,
    );
  }
  terms.push(current);
  return terms.map(t => t.trim());
}

/** Parses a Kubernetes label selector string. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === '') return [];
  return splitTerms(selector).map(term => {
    if (term === '') {
      throw new SelectorError(
        `found '', expected: identifier in '${selector}'`,
      );
    }
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const [, key, op, list] = setMatch;
      checkKey(key, selector);
      const values = list
        .split(',')
        .map(v => v.trim())
        .filter(v => v !== '');
      if (values.length === 0) {
        throw new SelectorError(
          `unable to parse requirement: for 'in', 'notin' operators, values set can't be empty (selector '${selector}')`,
        );
      }
      values.forEach(v => checkValue(v, selector));
      return { key, op: op as 'in' | 'notin', values };
    }
    const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (eqMatch) {
      const [, key, rawOp, value] = eqMatch;
      checkKey(key, selector);
      checkValue(value, selector);
      return { key, op: rawOp === '!=' ? '!=' : '=', values: [value] };
    }
    const notExists = /^!\s*(\S+)$/.exec(term);
    if (notExists) {
      checkKey(notExists[1], selector);
      return { key: notExists[1], op: '!', values: [] };
    }
    if (/^\S+$/.test(term)) {
      checkKey(term, selector);
      return { key: term, op: 'exists', values: [] };
    }
    throw new SelectorError(
      `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt in selector '${selector}'`,
    );
  });
}

/** Whether a set of labels satisfies every requirement. */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case '=':
        return has && l[r.key] === r.values[0];
      case '!=':
        return !has || l[r.key] !== r.values[0];
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!':
        return !has;
      default:
        return false;
    }
  });
}

/** One requirement of a field selector. */
export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  op: '=' | '!=';
  value: string;
}

/** Parses a field selector; only metadata.name and metadata.namespace are supported. */
export function parseFieldSelector(
  selector: string,
  apiVersion: string,
): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return selector.split(',').map(term => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(\S*)\s*$/.exec(term);
    if (!m) {
      throw new SelectorError(
        `invalid selector: '${selector}'; can't understand '${term.trim()}'`,
      );
    }
    const [, field, op, value] = m;
    if (field !== 'metadata.name' && field !== 'metadata.namespace') {
      // Built-in kinds answer with the list of known fields, CRDs with a short form.
      throw new SelectorError(
        apiVersion.includes('.')
          ? `field label not supported: ${field}`
          : `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    return { field, op: op === '!=' ? '!=' : '=', value };
  });
}

/** Whether an object's metadata satisfies every field requirement. */
export function matchesFields(
  requirements: FieldRequirement[],
  metadata: { name?: string; namespace?: string },
): boolean {
  return requirements.every(r => {
    const actual =
      (r.field === 'metadata.name' ? metadata.name : metadata.namespace) ?? '';
    return r.op === '=' ? actual === r.value : actual !== r.value;
  });
}
