import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createMeshAdrCreateAction } from './meshAdrCreate';
import { examples } from './meshAdrCreate.examples';

describe('mesh:adr:create examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const workspace = createMockDirectory();
      const input = yaml.parse(example.example).steps[0].input;
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await createMeshAdrCreateAction().handler(ctx as any);
      const out = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(out.number).toBe(1);
      expect(out.path).toMatch(
        new RegExp(
          `^${input.adrDirectory ?? 'docs/adrs'}/0001-[a-z0-9-]+\\.md$`,
        ),
      );
      const file = fs.readFileSync(path.join(workspace.path, out.path), 'utf8');
      expect(file).toBe(out.content);
      expect(file).toContain('| Criterion |');
    },
  );

  it('includes the measured cost in the first example, as a Cost section', async () => {
    const workspace = createMockDirectory();
    const input = yaml.parse(examples[0].example).steps[0].input;
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
    });
    await createMeshAdrCreateAction().handler(ctx as any);
    const out = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(out.content).toContain('## Cost');
    expect(out.content).toContain('* Proxies: 12m CPU, 60 MiB');
    expect(out.content).toContain(
      '* Proxy share of the pods: CPU 7.4%, memory 16.7%',
    );
    expect(out.content).toContain('### Estimated alternatives (not measured)');
    expect(out.content).toMatch(
      /^\* Istio \\\(sidecar\\\): 2\.4m CPU to 6m CPU, 95\.4 MiB to 114\.4 MiB\. Sources: Istio/m,
    );
    expect(out.content).toContain('* No mesh: 0m CPU, 0 MiB');
  });
});
