import {
  meshComparison,
  meshComparisonCriteria,
  meshComparisonSources,
} from './meshComparison';

describe('meshComparison', () => {
  const options = Object.values(meshComparison);

  it('fills every criterion for every mesh', () => {
    for (const option of options) {
      expect(Object.keys(option.cells).sort()).toEqual(
        meshComparisonCriteria.map(c => c.id).sort(),
      );
    }
  });

  it('cites only sources that are defined', () => {
    for (const option of options) {
      const cited = [
        ...Object.values(option.cells).flatMap(c => c.sources),
        ...option.perPodMemoryMiB.sources,
      ];
      for (const key of cited) {
        expect(meshComparisonSources).toHaveProperty([key]);
      }
    }
  });

  it('gives a source for every cell that contains a figure', () => {
    const unsourcedFigures = options.flatMap(o =>
      Object.entries(o.cells)
        .filter(
          ([, cell]) => /\d/.test(cell.value) && cell.sources.length === 0,
        )
        .map(([criterion]) => `${o.id}.${criterion}`),
    );
    expect(unsourcedFigures).toEqual([]);
  });

  it('says so when its sources do not settle a cell', () => {
    const unsourced = options.flatMap(o =>
      Object.values(o.cells).filter(c => c.sources.length === 0),
    );
    for (const cell of unsourced) {
      expect(cell.value).toMatch(/not settled by our sources/i);
    }
  });
});
