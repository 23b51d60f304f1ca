import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { checkCatalogue } from './registry';

const DOCS = join(__dirname, '../../../../../docs/checks');

describe('the check catalogue and docs/checks', () => {
  const catalogue = checkCatalogue(defaultMeshAdapters());
  const pages = readdirSync(DOCS)
    .filter(f => f.endsWith('.md') && f !== 'README.md')
    .map(f => f.replace(/\.md$/, ''));
  const readme = readFileSync(join(DOCS, 'README.md'), 'utf8');

  it('has a page for every registered check ID, and no page without one', () => {
    expect([...pages].sort()).toEqual([...catalogue.keys()].sort());
  });

  it('counts at least 30 checks', () => {
    expect(catalogue.size).toBeGreaterThanOrEqual(30);
  });

  it.each([...catalogue.values()])(
    '$id: its page states the title, severity and the same check elsewhere',
    definition => {
      const page = readFileSync(join(DOCS, `${definition.id}.md`), 'utf8');
      expect(page.split('\n')[0]).toBe(
        `# ${definition.id}: ${definition.title}`,
      );
      expect(page).toContain(`- Severity: ${definition.severity}`);
      for (const section of [
        '## What it checks',
        '## Why it matters',
        '## The fix',
        '## Same check elsewhere',
      ]) {
        expect(page).toContain(section);
      }
      expect(page.split('## Same check elsewhere')[1]).toContain(
        definition.sameAs ?? 'None: no `istioctl analyze` code',
      );
      const row = readme
        .split('\n')
        .map(line => line.split('|').map(cell => cell.trim()))
        .find(cells => cells[1] === `[${definition.id}](${definition.id}.md)`);
      expect(row?.slice(2, 4)).toEqual([definition.severity, definition.title]);
    },
  );
});
