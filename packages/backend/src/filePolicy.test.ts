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
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FilePermissionPolicy, readPolicyFile } from './filePolicy';
import demoPolicyModule from './permissionPolicy';

const SHIPPED = join(__dirname, '../permissions.yaml');

const onboard = createPermission({
  name: 'mesh.namespace.onboard',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});
const proxy = createPermission({
  name: 'kubernetes.proxy',
  attributes: {},
});
const certificates = createPermission({
  name: 'mesh.certificates.read',
  attributes: { action: 'read' },
});

const userOf = (ref: string, groups: string[]) => ({
  identity: {
    type: 'user' as const,
    userEntityRef: ref,
    ownershipEntityRefs: [ref, ...groups],
  },
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  token: 'x',
  credentials: mockCredentials.user(ref),
});
const guest = userOf('user:default/guest', ['group:default/shop-team']);
const admin = userOf('user:default/admin', ['group:default/platform-team']);

function fileWith(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'permissions.yaml');
  writeFileSync(file, text);
  return file;
}

describe('FilePermissionPolicy with the shipped permissions.yaml', () => {
  const policy = new FilePermissionPolicy(readPolicyFile(SHIPPED));

  it('gives the admin everything, kubernetes.proxy included', async () => {
    for (const permission of [proxy, onboard, certificates]) {
      await expect(
        policy.handle({ permission }, admin as any),
      ).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('refuses kubernetes.proxy to the guest and lets it onboard only what it owns', async () => {
    await expect(
      policy.handle({ permission: proxy }, guest as any),
    ).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(
      policy.handle({ permission: certificates }, guest as any),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(
      policy.handle({ permission: onboard }, guest as any),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/guest', 'group:default/shop-team'] },
      },
    });
  });

  it('denies a request without a user', async () => {
    await expect(policy.handle({ permission: certificates })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});

describe('readPolicyFile', () => {
  it('denies `owner` on a permission that is not on catalog entities', async () => {
    const policy = new FilePermissionPolicy(
      readPolicyFile(
        fileWith(
          "rules:\n  - who: ['*']\n    permissions: ['*']\n    decision: owner\n",
        ),
      ),
    );
    await expect(
      policy.handle({ permission: certificates }, guest as any),
    ).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('names the rule and what to fix in a bad file', () => {
    expect(() => readPolicyFile(fileWith('rule: []'))).toThrow(
      'expected a top-level "rules" list',
    );
    expect(() =>
      readPolicyFile(
        fileWith(
          "rules:\n  - who: ['*']\n    permissions: ['*']\n    decision: maybe\n",
        ),
      ),
    ).toThrow(
      'rules[0]: "decision" must be one of allow, deny, owner, not "maybe"',
    );
    expect(() =>
      readPolicyFile(
        fileWith(
          'rules:\n  - who: [shop-team]\n    permissions: [x]\n    decision: allow\n',
        ),
      ),
    ).toThrow(
      '"shop-team" in "who" is neither "*" nor a full user: or group: entity ref',
    );
    expect(() =>
      readPolicyFile(
        fileWith(
          "rules:\n  - who: ['*']\n    permissions: []\n    decision: allow\n",
        ),
      ),
    ).toThrow('"permissions" must be a non-empty list of strings');
  });
});

describe('the demo policy module', () => {
  it('is the policy the permission backend uses, read from permission.policyFile', async () => {
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        demoPolicyModule,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true, policyFile: SHIPPED } },
        }),
      ],
    });
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header('user:default/guest'))
      .send({ items: [{ id: '1', permission: proxy }] });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ id: '1', result: AuthorizeResult.DENY }]);
  });
});
