import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { meshComparisonSources } from '@meshlens/plugin-mesh-common';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createMeshAdrCreateAction } from './meshAdrCreate';

describe('mesh:adr:create', () => {
  const workspace = createMockDirectory();
  const action = createMeshAdrCreateAction({
    now: () => new Date('2026-11-21T10:00:00Z'),
  });

  beforeEach(() => workspace.clear());

  async function create(
    input: Record<string, unknown>,
  ): Promise<Record<string, any>> {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    const out: Record<string, any> = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls,
    );
    return {
      ...out,
      file: fs.readFileSync(path.join(workspace.path, out.path), 'utf8'),
    };
  }

  const input = {
    mesh: 'linkerd',
    alternatives: ['istio', 'istio-ambient', 'cilium'],
    context: {
      service: 'sensor-gateway',
      cluster: 'homelab',
      namespace: 'sensors',
      mtlsMode: 'permissive',
      requirements: {
        mtls: true,
        memoryBudgetMiB: 32,
        teamExperience: 'two engineers, no Envoy experience',
      },
    },
  };

  it('numbers the ADR after the existing ones and names the file the MADR way', async () => {
    workspace.setContent({
      'docs/adrs': {
        '0001-record-architecture-decisions.md': '# 1',
        '0007-use-postgres.md': '# 7',
        'template.md': '# template',
        'README.md': 'index',
      },
    });
    const out = await create(input);
    expect(out.number).toBe(8);
    expect(out.path).toBe('docs/adrs/0008-use-linkerd-for-sensor-gateway.md');
    expect(out.content).toBe(out.file);
  });

  it('starts at 1 in a new directory', async () => {
    const out = await create({
      ...input,
      adrDirectory: 'architecture/decisions',
    });
    expect(out.number).toBe(1);
    expect(out.path).toBe(
      'architecture/decisions/0001-use-linkerd-for-sensor-gateway.md',
    );
  });

  it('writes MADR with front matter, drivers, decision, consequences, checklist and a sourced table', async () => {
    const { file } = await create(input);
    expect(
      file.startsWith(
        '---\nstatus: accepted\ndate: 2026-11-21\n---\n\n# Use Linkerd for sensor-gateway\n',
      ),
    ).toBe(true);
    for (const heading of [
      '## Context and Problem Statement',
      '## Decision Drivers',
      '## Considered Options',
      '## Decision Outcome',
      '### Consequences',
      '### Confirmation',
      '## Pros and Cons of the Options',
      '## More Information',
    ]) {
      expect(file).toContain(`\n${heading}\n`);
    }
    expect(file).toContain('* at most 32 MiB of extra memory per pod');
    expect(file).toContain('Chosen option: "Linkerd"');
    expect(file).toContain('~20 MiB per pod');
    // Istio's sidecar request does not fit the budget: the ADR says so.
    expect(file).toContain('* Bad, because ~128 MiB per pod');
    expect(file).toContain(
      '| Criterion | Linkerd | Istio (sidecar) | Istio ambient | Cilium |',
    );
    expect(file).toMatch(
      /\| Proxy memory \| .*26\.3 MB.*\[linkerd-values, linkerd-benchmark-2021, seed-000-talos-homelab-strategy\]/,
    );
    expect(file).toContain(
      '- [ ] Annotate (not label) the namespace: `linkerd.io/inject: enabled`.',
    );
    expect(file).toContain('PERMISSIVE mTLS still accepts plaintext');
    for (const key of ['linkerd-benchmark-2021', 'seed-001-adr-istio']) {
      expect(file).toContain(
        `- **${key}**: ${meshComparisonSources[key].title}`,
      );
    }
  });

  it('writes the Nygard format when asked', async () => {
    const { file, number } = await create({
      ...input,
      title: 'Adopt Istio ambient',
      mesh: 'istio-ambient',
      alternatives: ['linkerd'],
      format: 'nygard',
      status: 'proposed',
    });
    expect(number).toBe(1);
    expect(file).toMatch(
      /^# 1\. Adopt Istio ambient\n\nDate: 2026-11-21\n\n## Status\n\nProposed\n\n## Context\n/,
    );
    expect(file).toContain('\n## Decision\n');
    expect(file).toContain('\n## Consequences\n');
    expect(file).toContain(
      'Label the namespace `istio.io/dataplane-mode=ambient`; no restart is needed.',
    );
    expect(file).toContain('| Criterion | Istio ambient | Linkerd |');
  });

  it('refuses an ADR directory outside the workspace', async () => {
    await expect(
      create({ ...input, adrDirectory: '../outside' }),
    ).rejects.toThrow(/outside/i);
  });

  it.each([
    [{ mesh: 'consul' }, /^mesh: "consul" is not one of/],
    [
      { alternatives: ['istio', 'kuma'] },
      /^alternatives\[1\]: "kuma" is not one of/,
    ],
    [
      { context: { requirements: { memoryBudgetMiB: -5 } } },
      /^context.requirements.memoryBudgetMiB: give a positive number/,
    ],
    [
      { format: 'y-statement' },
      /^format: "y-statement" is not one of madr, nygard/,
    ],
  ])('rejects %j naming the field', async (override, message) => {
    await expect(create({ ...input, ...override })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
  });

  it('records STRICT taken without traffic data', async () => {
    const { file } = await create({
      ...input,
      context: {
        ...input.context,
        mtlsMode: 'strict',
        allowStrictWithoutTraffic: true,
      },
    });
    expect(file).toContain(
      '* Bad, because STRICT mTLS was chosen without traffic data showing that every caller of every workload in the namespace has a proxy (override allowStrictWithoutTraffic)',
    );
    const plain = await create({
      ...input,
      context: { ...input.context, mtlsMode: 'strict' },
    });
    expect(plain.file).not.toContain('allowStrictWithoutTraffic');
  });

  describe('user text', () => {
    const frontMatterOf = (file: string) => {
      const match = /^---\n([\s\S]*?)\n---\n/.exec(file);
      expect(match).not.toBeNull();
      return parseYaml(match![1]);
    };

    it('cannot add a front-matter key through deciders or the title', async () => {
      const { file } = await create({
        ...input,
        status: 'accepted',
        title: 'Use Linkerd\n---\nstatus: rejected\n# Owned',
        deciders: ['a\nstatus: rejected', 'b: "c"', '---'],
      });
      expect(frontMatterOf(file)).toEqual({
        status: 'accepted',
        date: '2026-11-21',
        'decision-makers': 'a\nstatus: rejected, b: "c", ---',
      });
      // The title stays one heading line: no rule, no second heading.
      const body = file.slice(file.indexOf('\n---\n', 4) + 5);
      expect(body).not.toMatch(/^---$/m);
      expect(body).not.toMatch(/^# Owned/m);
      expect(body).toContain('# Use Linkerd --- status: rejected \\# Owned\n');
    });

    it('escapes Markdown in the notes, the service and the team experience', async () => {
      const { file } = await create({
        ...input,
        context: {
          ...input.context,
          service: 'svc**bold**',
          cluster: 'prod`x',
          notes: '# Heading\n- item\n[link](https://example.invalid) <script>',
          requirements: { teamExperience: '*none* | yet' },
        },
      });
      expect(file).toContain('the service **svc\\*\\*bold\\*\\***');
      expect(file).toContain('of cluster ``prod`x``');
      expect(file).toContain(
        '\\# Heading\n\\- item\n\\[link\\]\\(https://example.invalid\\) \\<script\\>',
      );
      expect(file).not.toMatch(/^# Heading/m);
      expect(file).toContain('team experience: \\*none\\* \\| yet');
    });

    it('refuses a namespace that is not a namespace name (it reaches kubectl commands)', async () => {
      await expect(
        create({
          ...input,
          context: { ...input.context, namespace: 'a; kubectl delete ns b' },
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/^context.namespace: /),
      });
    });
  });

  describe('symlinks in the workspace', () => {
    const outside = createMockDirectory();

    it('refuses an ADR directory that is a symlink, and writes nothing through it', async () => {
      fs.mkdirSync(path.join(workspace.path, 'docs'), { recursive: true });
      fs.symlinkSync(outside.path, path.join(workspace.path, 'docs/adrs'));
      await expect(create(input)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^adrDirectory: "docs\/adrs" in the workspace is a symbolic link/,
        ),
      });
      expect(fs.readdirSync(outside.path)).toEqual([]);
    });

    it('refuses a symlinked parent directory', async () => {
      fs.symlinkSync(outside.path, path.join(workspace.path, 'docs'));
      await expect(create(input)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /"docs" in the workspace is a symbolic link/,
        ),
      });
      expect(fs.readdirSync(outside.path)).toEqual([]);
    });

    it('numbers past a planted symlink and leaves its target alone', async () => {
      fs.mkdirSync(path.join(workspace.path, 'docs/adrs'), { recursive: true });
      const victim = path.join(outside.path, 'victim.md');
      fs.writeFileSync(victim, 'keep');
      fs.symlinkSync(
        victim,
        path.join(
          workspace.path,
          'docs/adrs/0001-use-linkerd-for-sensor-gateway.md',
        ),
      );
      const out = await create(input);
      expect(out.path).toBe('docs/adrs/0002-use-linkerd-for-sensor-gateway.md');
      expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    });
  });
});
