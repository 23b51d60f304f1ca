import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';

/**
 * Checks response bodies against `src/schema/openapi.yaml`, so the document
 * and the router cannot drift apart.
 */
export function openApiValidator() {
  const doc = parse(
    readFileSync(resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
  );
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: false,
  });
  return (path: string, status: number, body: unknown) => {
    const operation = doc.paths[path]?.get;
    if (!operation) throw new Error(`No GET ${path} in openapi.yaml`);
    let response = operation.responses[String(status)];
    if (!response) throw new Error(`No ${status} response for ${path}`);
    if (response.$ref) {
      response = doc.components.responses[response.$ref.split('/').pop()];
    }
    const schema = response.content['application/json'].schema;
    const validate = ajv.compile({ ...schema, components: doc.components });
    if (!validate(body)) {
      throw new Error(
        `${path} ${status} does not match openapi.yaml: ${ajv.errorsText(
          validate.errors,
        )}`,
      );
    }
  };
}
