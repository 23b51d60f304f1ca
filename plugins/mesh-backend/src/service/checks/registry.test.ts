import { InputError } from '@backstage/errors';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { MeshAdapter } from '@meshlens/plugin-mesh-node';
import { checkCatalogue, parseCheckFilter } from './registry';

describe('checkCatalogue', () => {
  it('holds the common checks and every adapter checks, each once, with its source', () => {
    const catalogue = checkCatalogue(defaultMeshAdapters());
    expect(catalogue.get('MESH-COM-014')?.source).toBe('common');
    expect(catalogue.get('MESH-LNK-004')?.source).toBe('adapter linkerd');
    expect(catalogue.get('MESH-AMB-001')?.source).toBe('adapter istio');
    expect(catalogue.get('MESH-CIL-003')?.source).toBe('adapter cilium');
  });

  it('refuses two adapters defining one ID differently, and shares one definition', () => {
    const [linkerd] = defaultMeshAdapters();
    const other = (checkDefinitions: any[]) =>
      ({ mesh: 'other', checkDefinitions } as unknown as MeshAdapter);
    expect(() =>
      checkCatalogue([
        linkerd,
        other([{ id: 'MESH-LNK-001', severity: 'warn', title: 'Another' }]),
      ]),
    ).toThrow(
      'Check ID MESH-LNK-001 is registered by both adapter linkerd and adapter other',
    );
    const shared = checkCatalogue([linkerd, other(linkerd.checkDefinitions!)]);
    expect(shared.get('MESH-LNK-001')?.source).toBe('adapter linkerd');
  });
});

describe('parseCheckFilter', () => {
  const registered = new Set(['MESH-LNK-001', 'MESH-IST-006']);

  it('accepts repeated and comma-separated registered IDs', () => {
    expect(parseCheckFilter(undefined, registered)).toBeUndefined();
    expect(parseCheckFilter('MESH-LNK-001', registered)).toEqual([
      'MESH-LNK-001',
    ]);
    expect(
      parseCheckFilter(
        ['MESH-LNK-001,MESH-IST-006', 'MESH-LNK-001'],
        registered,
      ),
    ).toEqual(['MESH-LNK-001', 'MESH-IST-006']);
  });

  it('names a malformed or an unknown ID in an InputError', () => {
    expect(() => parseCheckFilter('linkerd.trust-root', registered)).toThrow(
      InputError,
    );
    expect(() => parseCheckFilter({ a: 1 }, registered)).toThrow(
      /Invalid check ID/,
    );
    expect(() => parseCheckFilter('MESH-LNK-999', registered)).toThrow(
      'Unknown check ID MESH-LNK-999',
    );
  });
});
