import { TopologyHints } from './TopologyHints';

describe('TopologyHints', () => {
  it('forgets what it learnt after its time to live', () => {
    let now = 1_000;
    const hints = new TopologyHints(60_000, () => now);
    hints.rememberClusters(['homelab', 'cloud']);
    hints.rememberControlPlanes('homelab', {
      linkerd: {
        namespace: 'linkerd',
        version: 'edge-25.10.3',
        healthy: true,
        problems: [],
        details: {},
      },
    });
    hints.rememberNamespaces('homelab', 'app=shop', ['shop-a', 'shop-b']);
    hints.rememberMesh('homelab', 'shop-a', 'linkerd');
    hints.rememberMesh('homelab', 'legacy', null);

    now += 59_999;
    expect(hints.clusters()).toEqual(['homelab', 'cloud']);
    expect(hints.controlPlanes('homelab')?.linkerd.namespace).toBe('linkerd');
    expect(hints.controlPlanes('cloud')).toBeUndefined();
    expect(hints.namespaces('homelab', 'app=shop')).toEqual([
      'shop-a',
      'shop-b',
    ]);
    expect(hints.meshOf('homelab', 'shop-a')).toBe('linkerd');
    expect(hints.meshOf('homelab', 'legacy')).toBeNull();
    expect(hints.meshOf('homelab', 'never-seen')).toBeUndefined();

    now += 1;
    expect(hints.clusters()).toBeUndefined();
    expect(hints.controlPlanes('homelab')).toBeUndefined();
    expect(hints.namespaces('homelab', 'app=shop')).toBeUndefined();
    expect(hints.meshOf('homelab', 'shop-a')).toBeUndefined();
  });

  it('keeps at most its bound of entity locations and namespace meshes, dropping the oldest', () => {
    const hints = new TopologyHints(60_000, Date.now, 3);
    for (const ns of ['a', 'b', 'c', 'd'])
      hints.rememberMesh('homelab', ns, 'istio');
    expect(hints.meshOf('homelab', 'a')).toBeUndefined();
    expect(hints.meshOf('homelab', 'd')).toBe('istio');
    // Remembering again makes an entry the newest.
    hints.rememberMesh('homelab', 'b', 'istio');
    hints.rememberMesh('homelab', 'e', 'istio');
    expect(hints.meshOf('homelab', 'b')).toBe('istio');
    expect(hints.meshOf('homelab', 'c')).toBeUndefined();
  });

  it('with a time to live of 0 remembers nothing', () => {
    const hints = new TopologyHints(0);
    hints.rememberClusters(['homelab']);
    expect(hints.clusters()).toBeUndefined();
  });
});
