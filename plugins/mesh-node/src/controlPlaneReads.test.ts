import type { MeshControlPlaneState } from './adapters';
import { readAlongsideKnownNamespace } from './controlPlaneReads';

const known = (namespace: string): MeshControlPlaneState => ({
  namespace,
  version: '1.0.0',
  healthy: true,
  problems: [],
  details: {},
});

describe('readAlongsideKnownNamespace', () => {
  function fakeCluster(controlPlaneNamespace: string | undefined) {
    const events: string[] = [];
    return {
      events,
      options: {
        locate: async () => {
          events.push('locate');
          await new Promise(r => setTimeout(r, 5));
          events.push('located');
          return controlPlaneNamespace;
        },
        namespaceOf: (ns: string | undefined) => ns,
        read: async (ns: string) => {
          events.push(`read ${ns}`);
          return `objects of ${ns}`;
        },
      },
    };
  }

  it('reads the remembered namespace while the control plane is located', async () => {
    const cluster = fakeCluster('linkerd');
    const found = await readAlongsideKnownNamespace({
      known: known('linkerd'),
      ...cluster.options,
    });
    expect(found).toEqual({
      located: 'linkerd',
      namespace: 'linkerd',
      objects: 'objects of linkerd',
    });
    expect(cluster.events).toEqual(['read linkerd', 'locate', 'located']);
  });

  it('reads again where the control plane runs now when it moved', async () => {
    const cluster = fakeCluster('linkerd-prod');
    const found = await readAlongsideKnownNamespace({
      known: known('linkerd'),
      ...cluster.options,
    });
    expect(found?.objects).toBe('objects of linkerd-prod');
    expect(cluster.events).toEqual([
      'read linkerd',
      'locate',
      'located',
      'read linkerd-prod',
    ]);
  });

  it('locates first without a remembered namespace, and answers undefined when none runs', async () => {
    const first = fakeCluster('istio-system');
    expect(
      (
        await readAlongsideKnownNamespace({
          known: undefined,
          ...first.options,
        })
      )?.namespace,
    ).toBe('istio-system');
    expect(first.events).toEqual(['locate', 'located', 'read istio-system']);

    const gone = fakeCluster(undefined);
    expect(
      await readAlongsideKnownNamespace({
        known: known('linkerd'),
        ...gone.options,
      }),
    ).toBeUndefined();
  });
});
