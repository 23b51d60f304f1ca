/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { meshComparisonSources } from './meshComparison';
import { proxyCostFigures } from './proxyCostFigures';

const figures = Object.entries(proxyCostFigures).flatMap(([alt, f]) =>
  f.figures.map(figure => ({ alt, figure })),
);

describe('proxyCostFigures', () => {
  it('cites only defined sources', () => {
    for (const { figure } of figures) {
      for (const key of figure.sources) {
        expect(meshComparisonSources).toHaveProperty([key]);
      }
    }
  });

  it('sources every non-zero figure, and ranges run low to high', () => {
    const ranges = figures.flatMap(({ alt, figure }) =>
      [figure.cpuCoresPer1000Rps, figure.memoryBytesPerInstance]
        .filter(r => r !== undefined)
        .map(r => ({ alt, range: r!, sources: figure.sources.length })),
    );
    expect(ranges.filter(r => r.range.low > r.range.high)).toEqual([]);
    expect(ranges.filter(r => r.range.high > 0 && r.sources === 0)).toEqual([]);
  });

  it('says "no published figure" where mesh-facts has none', () => {
    const cilium = proxyCostFigures.cilium.figures;
    expect(
      cilium.every(f => !f.cpuCoresPer1000Rps && !f.memoryBytesPerInstance),
    ).toBe(true);
    expect(cilium[0].note).toMatch(/no published figure/i);
  });

  it('quotes mesh-facts §6: Istio 1.24 sidecar 0.20 vCPU and 60 MB at 1000 rps; ztunnel 0.06 vCPU, 12 MB', () => {
    const [sidecar] = proxyCostFigures.istio.figures;
    expect(sidecar.cpuCoresPer1000Rps?.low).toBe(0.2);
    expect(sidecar.memoryBytesPerInstance?.high).toBe(60e6);
    const [ztunnel] = proxyCostFigures['istio-ambient'].figures;
    expect(ztunnel.cpuCoresPer1000Rps).toEqual({ low: 0.06, high: 0.06 });
    expect(ztunnel.memoryBytesPerInstance).toEqual({ low: 12e6, high: 12e6 });
    // Linkerd's CPU is derived, and says how.
    expect(proxyCostFigures.linkerd.figures[0].derivation).toMatch(/36\/67/);
  });
});
