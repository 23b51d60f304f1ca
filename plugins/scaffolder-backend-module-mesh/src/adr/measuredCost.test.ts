import { ambientCost } from '../__testUtils__/cost';
import { entityCostFactor, measuredCostOf } from './measuredCost';

describe('measuredCostOf', () => {
  it('gives proxies as sidecars plus shared proxies, and the what-if as estimates', () => {
    expect(
      measuredCostOf('component:default/recommendations', ambientCost),
    ).toEqual({
      window: '5m',
      subject: 'component:default/recommendations',
      // Memory: the sidecars' 0 is measured, the ztunnel part is not.
      proxy: { cpuCores: 0.004, memoryBytes: 0 },
      application: { cpuCores: 0.2, memoryBytes: 300 * 2 ** 20 },
      proxyShareOfTotal: { cpu: 0.004 / 0.204 },
      estimates: [
        {
          title: 'Istio (sidecar)',
          cpuCores: { low: 0.0024, high: 0.006 },
          memoryBytes: { low: 100e6, high: 120e6 },
          sources: ['istio-performance-1.24'],
        },
        { title: 'Cilium (sidecar-less)', sources: ['cilium-config'] },
      ],
    });
  });

  it('leaves a field absent when neither side measured it, and gives nothing without a cost', () => {
    const noMemory = measuredCostOf('x', {
      ...ambientCost,
      totals: {
        ...ambientCost.totals,
        proxy: { cpuCores: 0.01 },
        sharedProxies: {},
      },
      whatIf: undefined,
    });
    expect(noMemory?.proxy).toEqual({ cpuCores: 0.01 });
    expect(noMemory).not.toHaveProperty('estimates');
    expect(measuredCostOf('x', undefined)).toBeUndefined();
  });
});

describe('entityCostFactor', () => {
  const credentials = { $$type: '@backstage/BackstageCredentials' } as any;

  it('reads the entity as the caller, and reports a failed read instead of failing', async () => {
    const warnings: string[] = [];
    const meshStatus = {
      getEntityStatus: jest
        .fn()
        .mockRejectedValueOnce(new Error('NotAllowedError: mesh.entity.read'))
        .mockResolvedValueOnce({
          entityRef: 'component:default/recommendations',
          cost: ambientCost,
        }),
    } as any;
    await expect(
      entityCostFactor('component:default/r', meshStatus, credentials, w =>
        warnings.push(w),
      ),
    ).resolves.toBeUndefined();
    expect(warnings[0]).toMatch(
      /mesh cost of component:default\/r could not be read.*mesh\.entity\.read/,
    );
    const factor = await entityCostFactor(
      'component:default/r',
      meshStatus,
      credentials,
      () => undefined,
    );
    expect(factor?.subject).toBe('component:default/recommendations');
    expect(meshStatus.getEntityStatus).toHaveBeenCalledWith(
      'component:default/r',
      { credentials },
    );
    expect(
      await entityCostFactor(undefined, meshStatus, credentials, () => 0),
    ).toBeUndefined();
  });
});
