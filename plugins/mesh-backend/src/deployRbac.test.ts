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
