import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import {
  istioControlPlane,
  linkerdControlPlane,
  namespace,
} from '../__testUtils__/fixtures';
import { actionOptions, fakeCluster, statusWith } from '../__testUtils__/setup';
import { createMeshCheckAction } from './meshCheck';
import { examples } from './meshCheck.examples';

describe('mesh:check examples', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = fakeCluster(server);
      fake.add('homelab', ...linkerdControlPlane(), namespace('sensors'));
      fake.add('cloud', ...istioControlPlane(), namespace('orders'));
      const input = yaml.parse(example.example).steps[0].input;
      const action = createMeshCheckAction(
        actionOptions({
          status: statusWith(
            input.cluster,
            input.namespace,
            [{ from: 'storefront/web', mtls: true }],
            1,
          ),
        }),
      );
      const ctx = createMockActionContext({ input });
      await action.handler(ctx as any);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.passed).toBe(true);
      expect(outputs.checks.every((c: any) => c.status === 'pass')).toBe(true);
      expect(fake.mutations()).toEqual([]);
    },
  );
});
