import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';

/** The backend's OpenAPI document, the contract the frontend is written against. */
export const OPENAPI_PATH = resolve(
  __dirname,
  '../../../mesh-backend/src/schema/openapi.yaml',
);

type Schema = { [key: string]: unknown };

/**
 * A copy of a schema in which every object accepts only the properties the
 * document names, so a fixture with a field the API does not have fails too.
 * `unevaluatedProperties` (not `additionalProperties`) so that `allOf` and
 * `$ref` compose; the branches of an `allOf` and the component definitions
 * stay open, each place that uses them is closed instead.
 */
function closed(schema: unknown, open = false): unknown {
  if (Array.isArray(schema)) return schema.map(s => closed(s));
  if (!schema || typeof schema !== 'object') return schema;
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === 'allOf' && Array.isArray(value)) {
      result.allOf = value.map(branch => closed(branch, true));
    } else if (key === 'properties' || key === '$defs') {
      result[key] = Object.fromEntries(
        Object.entries(value as Schema).map(([k, v]) => [k, closed(v)]),
      );
    } else {
      result[key] = closed(value);
    }
  }
  const isObjectSchema = 'properties' in result || 'allOf' in result;
  if (!open && (isObjectSchema || '$ref' in result)) {
    result.unevaluatedProperties = false;
  }
  return result;
}

/**
 * Validates a body against the 200 response of a GET route of the backend's
 * OpenAPI document, closed (see `closed`). The body goes through JSON first, as it would on the
 * wire: `undefined` keys vanish, `NaN` becomes `null`.
 */
export function openApiValidator() {
  const doc = parse(readFileSync(OPENAPI_PATH, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // Formats (date-time) matter for fixtures: the UI parses those dates.
  ajv.addFormat(
    'date-time',
    (value: string) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(
        value,
      ) && !Number.isNaN(Date.parse(value)),
  );
  return {
    routes: Object.keys(doc.paths) as string[],
    validate(route: string, body: unknown): string | undefined {
      const operation = doc.paths[route]?.get;
      if (!operation) throw new Error(`No GET ${route} in openapi.yaml`);
      const schema =
        operation.responses['200']?.content?.['application/json']?.schema;
      if (!schema) throw new Error(`No JSON 200 response for ${route}`);
      const components = {
        ...doc.components,
        schemas: Object.fromEntries(
          Object.entries(doc.components.schemas as Schema).map(([k, v]) => [
            k,
            closed(v, true),
          ]),
        ),
      };
      const check = ajv.compile({ ...(closed(schema) as Schema), components });
      const wire = JSON.parse(JSON.stringify(body));
      return check(wire)
        ? undefined
        : ajv.errorsText(check.errors, { separator: '\n' });
    },
  };
}
