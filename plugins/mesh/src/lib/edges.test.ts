import { WorkloadStatus } from '@meshlens/plugin-mesh-common';
import { callerKindLabel, mergeEdges } from './edges';

const workload = (edges: WorkloadStatus['edges']): WorkloadStatus => ({
  kind: 'Deployment',
  name: 'w',
  pods: 1,
  meshedPods: 1,
  proxyVersions: [],
  versionSkew: false,
  mtls: { mode: 'strict', encryptedShare: 1 },
  metrics: null,
  edges,
});

describe('mergeEdges', () => {
  it('merges the same peer across workloads, weighting success by rate', () => {
    const peer = { namespace: 'a', name: 'b' };
    const edges = mergeEdges([
      workload([
        {
          direction: 'inbound',
          peer,
          requestsPerSecond: 3,
          successRate: 1,
          mtls: true,
        },
      ]),
      workload([
        {
          direction: 'inbound',
          peer,
          requestsPerSecond: 1,
          successRate: 0.6,
          mtls: false,
        },
        {
          direction: 'outbound',
          peer,
          requestsPerSecond: 2,
          successRate: null,
          mtls: null,
        },
      ]),
    ]);
    expect(edges).toHaveLength(2);
    expect(edges[0]).toMatchObject({
      direction: 'inbound',
      requestsPerSecond: 4,
      mtls: false,
    });
    expect(edges[0].successRate).toBeCloseTo(0.9);
    expect(edges[1]).toMatchObject({
      direction: 'outbound',
      successRate: null,
    });
  });
});

describe('callerKindLabel', () => {
  const edge = {
    peer: { namespace: 'n', name: 'p' },
    requestsPerSecond: 1,
    successRate: null,
    mtls: false,
  };
  it('labels ingress controllers and callers outside the mesh', () => {
    expect(
      callerKindLabel({
        ...edge,
        direction: 'inbound',
        callerKind: 'ingress',
        ingress: 'traefik',
      }),
    ).toBe('ingress: traefik');
    expect(
      callerKindLabel({
        ...edge,
        direction: 'inbound',
        callerKind: 'unmeshed',
      }),
    ).toBe('unmeshed');
  });
  it('labels neither meshed callers nor callees', () => {
    expect(callerKindLabel({ ...edge, direction: 'inbound' })).toBeUndefined();
    expect(
      callerKindLabel({
        ...edge,
        direction: 'outbound',
        callerKind: 'ingress',
        ingress: 'traefik',
      }),
    ).toBeUndefined();
  });
});
