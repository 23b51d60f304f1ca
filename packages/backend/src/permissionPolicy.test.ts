import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import demoPolicyModule, { DemoPermissionPolicy } from './permissionPolicy';

describe('DemoPermissionPolicy', () => {
  const permission = createPermission({
    name: 'mesh.namespace.onboard',
    attributes: { action: 'update' },
  });

  it('allows every request', async () => {
    const policy = new DemoPermissionPolicy();
    await expect(policy.handle({ permission })).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('is the policy the permission backend uses', async () => {
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        demoPolicyModule,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true } },
        }),
      ],
    });

    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header())
      .send({ items: [{ id: '1', permission }] });

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
    ]);
  });
});
