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

import { isObject, JsonObject } from './patch';
import { ResourceType } from './resources';

/** One validation failure, in the API server's words. */
export interface FieldError {
  field: string;
  message: string;
  reason: 'FieldValueInvalid' | 'FieldValueRequired';
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const invalid = (field: string, value: string, msg: string): FieldError => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${msg}`,
});

/** Messages exactly as k8s.io/apimachinery/pkg/util/validation words them. */
export const MESSAGES = {
  dns1123Subdomain:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  dns1123Label:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1035Label:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  labelValue:
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  qualifiedName:
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
};

function validateName(r: ResourceType, name: string): FieldError[] {
  if (r.kind === 'Namespace') {
    if (name.length > 63) {
      return [
        invalid('metadata.name', name, 'must be no more than 63 characters'),
      ];
    }
    return DNS1123_LABEL.test(name)
      ? []
      : [invalid('metadata.name', name, MESSAGES.dns1123Label)];
  }
  if (r.kind === 'Service' && r.group === '') {
    if (name.length > 63) {
      return [
        invalid('metadata.name', name, 'must be no more than 63 characters'),
      ];
    }
    return DNS1035_LABEL.test(name)
      ? []
      : [invalid('metadata.name', name, MESSAGES.dns1035Label)];
  }
  if (name.length > 253) {
    return [
      invalid('metadata.name', name, 'must be no more than 253 characters'),
    ];
  }
  return DNS1123_SUBDOMAIN.test(name)
    ? []
    : [invalid('metadata.name', name, MESSAGES.dns1123Subdomain)];
}

function validateQualifiedKey(field: string, key: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const errors: FieldError[] = [];
  if (prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix)) {
    errors.push(
      invalid(field, key, `prefix part ${MESSAGES.dns1123Subdomain}`),
    );
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    errors.push(invalid(field, key, MESSAGES.qualifiedName));
  }
  return errors;
}

/** Validates what every object must satisfy: name, labels, annotations. */
export function validateObject(r: ResourceType, obj: JsonObject): FieldError[] {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const errors: FieldError[] = [];
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (!name) {
    errors.push({
      field: 'metadata.name',
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
    });
  } else {
    errors.push(...validateName(r, name));
  }
  const labels = isObject(meta.labels) ? meta.labels : {};
  for (const [k, v] of Object.entries(labels)) {
    errors.push(...validateQualifiedKey('metadata.labels', k));
    const value = typeof v === 'string' ? v : String(v);
    if (
      typeof v !== 'string' ||
      value.length > 63 ||
      !LABEL_VALUE.test(value)
    ) {
      errors.push(invalid('metadata.labels', value, MESSAGES.labelValue));
    }
  }
  const annotations = isObject(meta.annotations) ? meta.annotations : {};
  for (const k of Object.keys(annotations)) {
    errors.push(
      ...validateQualifiedKey('metadata.annotations', k).map(e => ({
        ...e,
        message: e.message,
      })),
    );
  }
  if (r.kind === 'Lease' && isObject(obj.spec)) {
    // As coordination/validation words it.
    for (const field of ['leaseDurationSeconds', 'leaseTransitions']) {
      const v = obj.spec[field];
      if (v === undefined) continue;
      const min = field === 'leaseDurationSeconds' ? 1 : 0;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
        errors.push({
          field: `spec.${field}`,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(v)}: ${
            min === 1
              ? 'must be greater than 0'
              : 'must be greater than or equal to 0'
          }`,
        });
      }
    }
  }
  if (r.kind === 'Deployment' && isObject(obj.spec)) {
    const replicas = obj.spec.replicas;
    if (typeof replicas === 'number' && replicas < 0) {
      errors.push(
        invalid(
          'spec.replicas',
          String(replicas),
          'must be greater than or equal to 0',
        ),
      );
    }
  }
  return errors;
}
