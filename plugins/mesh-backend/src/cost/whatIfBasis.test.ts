import {
  ClusterMeshStatus,
  WorkloadStatus,
} from '@meshlens/plugin-mesh-common';
import { KubeObject } from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { entityWhatIf } from '../service/costAssembly';
import { whatIfAlternatives } from './whatIf';
import { measuredThroughput, nodeShareOf, podsPerNode } from './whatIfBasis';

const pod = (name: string, node?: string, hostNetwork = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop' },
  spec: { ...(node !== undefined && { nodeName: node }), hostNetwork },
});

const workload = (
  name: string,
  pods: number,
  metrics: { rps: number; outbound: number[] } | null,
): WorkloadStatus => ({
  kind: 'Deployment',
  name,
  pods,
  meshedPods: pods,
  proxyVersions: [],
  versionSkew: false,
  mtls: { mode: 'strict', encryptedShare: 1 },
  metrics: metrics && {
    requestsPerSecond: metrics.rps,
    successRate: 1,
    latencyMs: { p50: 1, p95: 2, p99: 3 },
  },
  edges: (metrics?.outbound ?? []).flatMap((rps, i) => [
    {
      direction: 'outbound' as const,
      peer: { namespace: 'shop', name: `dep-${i}` },
      requestsPerSecond: rps,
      successRate: 1,
      mtls: true,
    },
    // Inbound edges are already in the workload's own rate.
    {
      direction: 'inbound' as const,
      peer: { namespace: 'shop', name: `caller-${i}` },
      requestsPerSecond: 1000,
      successRate: 1,
      mtls: true,
    },
  ]),
});

const status = (workloads: WorkloadStatus[]) =>
  ({ cluster: 'c', namespace: 'shop', workloads } as ClusterMeshStatus);

describe('podsPerNode', () => {
  it('counts the pods a per-node proxy serves: scheduled, not on the host network', () => {
    expect(
      podsPerNode([
        pod('a', 'n1'),
        pod('b', 'n1'),
        pod('c', 'n2'),
        pod('agent', 'n2', true),
        pod('pending'),
        pod('empty', ''),
      ]),
    ).toEqual({ n1: 2, n2: 1 });
  });
});

describe('nodeShareOf', () => {
  const perNode = { n1: 4, n2: 2 };

  it('sums 1 ÷ the pods on each pod’s node', () => {
    expect(nodeShareOf([pod('a', 'n1'), pod('b', 'n2')], perNode)).toBe(0.75);
    expect(
      nodeShareOf([pod('a', 'n1'), pod('b', 'n1'), pod('c', 'n1')], perNode),
    ).toBe(0.75);
    expect(nodeShareOf([], perNode)).toBe(0);
  });

  it('leaves out host-network pods, which no per-node proxy serves', () => {
    expect(nodeShareOf([pod('a', 'n2'), pod('h', 'n9', true)], perNode)).toBe(
      0.5,
    );
  });

  it('is unknown when a pod’s node is unscheduled or has no count', () => {
    expect(nodeShareOf([pod('a', 'n1'), pod('b')], perNode)).toBeUndefined();
    expect(nodeShareOf([pod('a', 'n3')], perNode)).toBeUndefined();
  });
});

describe('measuredThroughput', () => {
  it('adds what the workloads received and what they sent, as their own proxies counted it', () => {
    expect(
      measuredThroughput([
        status([workload('web', 2, { rps: 10, outbound: [3, 4.5] })]),
        status([workload('api', 1, { rps: 2.5, outbound: [] })]),
      ]),
    ).toEqual({ requestsPerSecond: 20, measuredBy: 'own-proxies' });
  });

  it('counts a workload without a proxy by the edges its peers’ proxies reported, and says so', () => {
    const unmeshed: WorkloadStatus = {
      ...workload('reports', 1, null),
      edges: [
        {
          direction: 'inbound',
          peer: { namespace: 'shop', name: 'web' },
          requestsPerSecond: 4,
          successRate: 1,
          mtls: false,
        },
        {
          direction: 'outbound',
          peer: { namespace: 'db', name: 'pg' },
          requestsPerSecond: 1.5,
          successRate: 1,
          mtls: false,
        },
      ],
    };
    expect(
      measuredThroughput([
        status([unmeshed, workload('api', 1, { rps: 2, outbound: [] })]),
      ]),
    ).toEqual({ requestsPerSecond: 7.5, measuredBy: 'peer-proxies' });
  });

  it('is unknown when nothing measured any traffic, and counts an idle measured workload as 0', () => {
    expect(measuredThroughput([status([workload('web', 2, null)])])).toBe(
      undefined,
    );
    expect(measuredThroughput([])).toBeUndefined();
    expect(
      measuredThroughput([
        status([
          workload('web', 2, null),
          workload('api', 1, { rps: 0, outbound: [] }),
        ]),
      ]),
    ).toEqual({ requestsPerSecond: 0, measuredBy: 'own-proxies' });
  });
});

describe('entityWhatIf', () => {
  const alternatives = whatIfAlternatives(defaultMeshAdapters());
  const statuses = [
    status([
      workload('web', 2, { rps: 300, outbound: [200] }),
      workload('api', 1, { rps: 0, outbound: [] }),
    ]),
  ];

  it('estimates from the entity’s throughput, pods and summed node share', () => {
    const result = entityWhatIf({
      entityRef: 'component:default/web',
      window: '5m',
      statuses,
      nodeShares: [0.5, 0.25],
      alternatives,
    });
    expect(result.kind).toBe('estimate');
    expect(result.basis).toEqual({
      requestsPerSecond: 500,
      requestsPerSecondMeasuredBy: 'own-proxies',
      pods: 3,
      nodeShare: 0.75,
      window: '5m',
    });
    const istio = result.alternatives.find(a => a.alternative === 'istio');
    // 0.20-0.50 vCPU per 1000 rps, 50-60 MB per pod (the sourced figures).
    expect(istio?.cpuCores?.low).toBeCloseTo(0.1, 12);
    expect(istio?.memoryBytes).toEqual({ low: 150e6, high: 180e6 });
    const ambient = result.alternatives.find(
      a => a.alternative === 'istio-ambient',
    );
    expect(ambient?.memoryBytes?.low).toBeCloseTo(0.75 * 12e6, 3);
    expect(result.alternatives.map(a => a.alternative)).toContain('none');
  });

  it('gives no node share when one cluster’s is unknown, and says why', () => {
    const result = entityWhatIf({
      entityRef: 'component:default/web',
      window: '5m',
      statuses,
      nodeShares: [0.5, undefined],
      alternatives,
    });
    expect(result.basis.nodeShare).toBeUndefined();
    const ambient = result.alternatives.find(
      a => a.alternative === 'istio-ambient',
    );
    expect(ambient?.memoryBytes).toBeUndefined();
    expect(ambient?.missing.map(m => m.gap)).toContain('no-node-share');
  });
});
