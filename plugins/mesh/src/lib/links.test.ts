import { meshMyServiceLink } from './links';
import {
  meshMyServiceTemplate,
  prefilledFormData,
} from '../__testUtils__/meshMyServiceTemplate';

describe('meshMyServiceLink', () => {
  const template = meshMyServiceTemplate();

  it('opens the real template', () => {
    const link = meshMyServiceLink({
      kind: 'Component',
      namespace: 'default',
      name: 'legacy-reports',
    });
    expect(new URL(link, 'http://localhost').pathname).toBe(
      `/create/templates/default/${template.name}`,
    );
  });

  it("prefills the template's Component field with the entity", () => {
    const link = meshMyServiceLink({
      kind: 'Component',
      namespace: 'team-a',
      name: 'legacy-reports',
    });
    expect(prefilledFormData(link)).toEqual({
      [template.componentField]: 'component:team-a/legacy-reports',
    });
  });
});
