import { MeshAdapter } from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { notMeshedCheck, UnmeshedNamespace } from './enrolment';

function unmeshed(
  registered: MeshAdapter[],
  installed: MeshAdapter[] = [],
): UnmeshedNamespace {
  return {
    cluster: 'lab',
    namespace: 'shop',
    snapshot: {
      namespaces: new Map([
        [
          'shop',
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        ],
      ]),
      pods: new Map(),
      workloads: new Map(),
      resources: new Map(),
      services: new Map(),
      ingresses: new Map(),
    },
    installed,
    registered,
    controlPlanes: {},
    workloads: [],
  };
}

describe('MESH-COM-007 without a control plane', () => {
  it('names every registered mesh by its title', () => {
    const builtIn = defaultMeshAdapters();
    expect(notMeshedCheck(unmeshed(builtIn))).toEqual({
      id: 'MESH-COM-007',
      title: 'The namespace is enrolled in a mesh',
      status: 'fail',
      message: 'No service mesh control plane runs in cluster lab',
      hint: 'Install a mesh (Linkerd, Istio or Cilium) in the cluster first',
    });
    const meshy = { ...builtIn[0], mesh: 'meshy', title: 'Meshy' };
    const kuma = { ...builtIn[0], mesh: 'kuma', title: undefined };
    expect(
      notMeshedCheck(unmeshed([...builtIn, meshy, kuma] as MeshAdapter[])).hint,
    ).toBe(
      'Install a mesh (Linkerd, Istio, Cilium, Meshy or kuma) in the cluster first',
    );
  });
});
