import {
  createMockDirectory,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import {
  ciliumControlPlane,
  istioControlPlane,
  linkerdControlPlane,
  namespace,
} from '../__testUtils__/fixtures';
import {
  actionOptions,
  entityAt,
  fakeCluster,
  statusWith,
} from '../__testUtils__/setup';
import { createMeshNamespaceOnboardAction } from './meshNamespaceOnboard';
import { examples } from './meshNamespaceOnboard.examples';

describe('mesh:namespace:onboard examples', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = fakeCluster(server);
      fake.add(
        'homelab',
        ...linkerdControlPlane(),
        ...ciliumControlPlane(true),
        namespace('sensors'),
        namespace('reports'),
      );
      fake.add(
        'cloud',
        ...istioControlPlane(true),
        namespace('orders'),
        namespace('inventory'),
      );
      const input = yaml.parse(example.example).steps[0].input;
      const action = createMeshNamespaceOnboardAction(
        actionOptions({
          entities: [entityAt(input.entityRef, input.cluster, input.namespace)],
          status: statusWith(
            input.cluster,
            input.namespace,
            [{ from: 'storefront/web', mtls: true }],
            1,
          ),
        }),
      );
      const workspace = createMockDirectory();
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await action.handler(ctx as any);

      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.changes.length).toBeGreaterThan(0);
      const changesCluster = !(input.delivery === 'manifests' || input.dryRun);
      // Dry runs (dryRun=All) change nothing.
      const writes = fake
        .mutations()
        .filter(w => !w.path.includes('dryRun=All'));
      expect({
        wrote: writes.length >= outputs.changes.length,
        onlyToTarget: writes.every(w => w.cluster === input.cluster),
        applied: /^Applied/.test(outputs.summary),
      }).toEqual({
        wrote: changesCluster,
        onlyToTarget: true,
        applied: changesCluster,
      });
      const kustomization = `${input.manifestsDirectory}/kustomization.yaml`;
      expect({
        manifests: outputs.manifests.length > 0,
        kustomization: outputs.manifests.includes(kustomization),
      }).toEqual({
        manifests: input.delivery === 'manifests',
        kustomization: input.delivery === 'manifests',
      });
    },
  );
});
