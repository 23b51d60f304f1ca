import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { APPORTIONING_RULES } from '../cost';

describe('the OpenAPI document', () => {
  it('states every apportioning rule as the API applies it, verbatim', () => {
    const doc = parse(readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'));
    const rule: string =
      doc.components.schemas.ApportionedUsage.allOf[1].properties.rule
        .description;
    const stated = Object.fromEntries(
      rule
        .trim()
        .split('\n')
        .slice(1)
        .map(line => {
          const at = line.indexOf(': ');
          return [line.slice(0, at), line.slice(at + 2)];
        }),
    );
    expect(stated).toEqual(APPORTIONING_RULES);
  });
});
