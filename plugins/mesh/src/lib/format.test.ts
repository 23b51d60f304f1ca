import { meshAndDataPlane, meshLabel } from './format';

describe('mesh names', () => {
  it("shows the adapter's title for a mesh the frontend does not know", () => {
    expect(meshAndDataPlane('tessera', 'sidecar', 'Tessera')).toBe(
      'Tessera · sidecar',
    );
    expect(meshLabel('tessera')).toBe('tessera');
  });

  it('shows Istio ambient as mesh istio with the ambient data plane', () => {
    expect(meshAndDataPlane('istio', 'ambient', 'Istio')).toBe(
      'Istio · ambient',
    );
    expect(meshAndDataPlane('none', 'none')).toBe('No mesh');
  });
});
