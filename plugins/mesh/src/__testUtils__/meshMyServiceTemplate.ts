import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * The real "Mesh my service" template (templates/mesh-my-service), so link
 * tests check against what the scaffolder will render, not a copy of a key.
 */
export function meshMyServiceTemplate(): {
  name: string;
  componentField: string;
} {
  const template = parse(
    readFileSync(
      resolve(
        __dirname,
        '../../../scaffolder-backend-module-mesh/templates/mesh-my-service/template.yaml',
      ),
      'utf8',
    ),
  );
  const steps: Array<{
    properties?: Record<string, { [k: string]: unknown }>;
  }> = template.spec.parameters;
  const pickers = steps.flatMap(step =>
    Object.entries(step.properties ?? {})
      .filter(([, field]) => field['ui:field'] === 'EntityPicker')
      .map(([key]) => key),
  );
  if (pickers.length !== 1) {
    throw new Error(
      `Expected one EntityPicker field in the template, found ${pickers.length}`,
    );
  }
  return { name: template.metadata.name, componentField: pickers[0] };
}

/** The `formData` the link prefills, parsed. */
export function prefilledFormData(href: string): Record<string, unknown> {
  const url = new URL(href, 'http://localhost');
  return JSON.parse(url.searchParams.get('formData') ?? 'null');
}
