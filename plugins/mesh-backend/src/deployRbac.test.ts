import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KUBE_RESOURCES, KubeResourceType } from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';

const MANIFEST = join(__dirname, '../../../deploy/rbac.yaml');

/** Kinds in the catalogue that the read path does not read. */
const NOT_READ: KubeResourceType[] = [
  // Only with mesh.certificates.readSecrets, which this role does not grant.
  KUBE_RESOURCES.secret,
];

const groupOf = (t: KubeResourceType) =>
  t.apiVersion.includes('/') ? t.apiVersion.split('/')[0] : '';

describe('deploy/rbac.yaml', () => {
  const docs = parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map(
    d => d.toJS() as any,
  );
  const role = docs.find(
    d => d.kind === 'ClusterRole' && d.metadata.name === 'meshlens-reader',
  );

  it('grants get and list on exactly the kinds Meshlens reads, and nothing on Secrets', () => {
    const adapterKinds = defaultMeshAdapters().flatMap(a => [
      ...a.detectionResources,
      ...a.policyResources,
    ]);
    const read = new Set(
      [...Object.values(KUBE_RESOURCES), ...adapterKinds]
        .filter(t => !NOT_READ.includes(t))
        .map(t => `${groupOf(t)}/${t.plural}`),
    );
    const granted = new Set<string>();
    for (const rule of role.rules) {
      expect(rule.verbs).toEqual(['get', 'list']);
      expect(rule.resourceNames).toBeUndefined();
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          expect(resource).not.toBe('*');
          granted.add(`${group}/${resource}`);
        }
      }
    }
    expect([...granted].sort()).toEqual([...read].sort());
    expect(JSON.stringify(docs)).not.toMatch(/secrets/);
  });

  it('grants onboarding exactly the writes it makes, on the kinds the adapters write, and nothing on Secrets', () => {
    const onboarding = docs.find(
      d =>
        d.kind === 'ClusterRole' && d.metadata.name === 'meshlens-onboarding',
    );
    const writes = ['create', 'get', 'patch', 'update', 'delete'];
    const written = new Set(
      [
        // Every mesh's default-deny companion (onboarding/changeSet.ts).
        KUBE_RESOURCES.networkPolicy,
        ...defaultMeshAdapters().flatMap(
          a => a.onboarding?.writesResources ?? [],
        ),
      ].map(t => `${groupOf(t)}/${t.plural}`),
    );
    const granted: Record<string, string[]> = {};
    for (const rule of onboarding.rules) {
      expect(rule.resourceNames).toBeUndefined();
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          expect(resource).not.toBe('*');
          expect(group).not.toBe('*');
          const key = `${group}/${resource}`;
          granted[key] = [...(granted[key] ?? []), ...rule.verbs];
        }
      }
    }
    const policyKinds = Object.keys(granted).filter(k =>
      writes.every(verb => granted[k].includes(verb)),
    );
    expect(policyKinds.sort()).toEqual([...written].sort());
    const expected: Record<string, string[]> = {
      ...Object.fromEntries([...written].map(k => [k, writes])),
      '/namespaces': ['get', 'patch'],
      '/pods': ['list'],
      // The control planes' own settings and trust roots.
      '/configmaps': ['get'],
      'coordination.k8s.io/leases': ['create', 'get', 'update', 'delete'],
      'apps/deployments': ['get', 'list', 'patch'],
      'apps/statefulsets': ['get', 'list', 'patch'],
      'apps/daemonsets': ['get', 'list', 'patch'],
      // Control-plane detection: the mesh-wide mode in the root namespace.
      'security.istio.io/peerauthentications': [...writes, 'list'],
    };
    // The rollout lists what the adapters detect a data plane by.
    for (const t of defaultMeshAdapters().flatMap(a => a.detectionResources)) {
      const key = `${groupOf(t)}/${t.plural}`;
      if (!expected[key]?.includes('list')) {
        expected[key] = [...(expected[key] ?? []), 'list'];
      }
    }
    expect(granted).toEqual(expected);
    expect(Object.keys(granted)).not.toContain('/secrets');
  });

  it('binds the onboarding role to the same service account, in its own binding', () => {
    const bindings = docs.filter(d => d.kind === 'ClusterRoleBinding');
    expect(bindings.map(b => b.roleRef.name)).toEqual([
      'meshlens-reader',
      'meshlens-onboarding',
    ]);
    expect(bindings[1].subjects).toEqual(bindings[0].subjects);
  });

  it('binds the role to the service account it creates', () => {
    const binding = docs.find(d => d.kind === 'ClusterRoleBinding');
    const account = docs.find(d => d.kind === 'ServiceAccount');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'meshlens-reader',
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: account.metadata.name,
        namespace: account.metadata.namespace,
      },
    ]);
  });
});
