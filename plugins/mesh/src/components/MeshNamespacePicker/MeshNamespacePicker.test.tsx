import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { meshApiRef } from '../../api';
import { mockMeshApi } from '../../__testUtils__/render';
import { onboardingTargetsFixture } from '../../__fixtures__/fleet';
import { MeshNamespacePicker } from './MeshNamespacePicker';

function renderPicker(
  targets: Array<{ cluster: string; namespace: string }>,
  formData?: { cluster: string; namespace: string },
) {
  const api = mockMeshApi({
    getOnboardingTargets: jest.fn(async (ref: any) => ({
      entityRef: `${ref.kind}:${ref.namespace}/${ref.name}`,
      targets,
      problems: [],
    })),
  });
  const onChange = jest.fn();
  const props: any = {
    onChange,
    formData,
    formContext: { formData: { entityRef: 'component:default/shipping' } },
    uiSchema: {},
    schema: { title: 'Cluster and namespace' },
    required: true,
    rawErrors: [],
  };
  return {
    api,
    onChange,
    rendered: renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, api]]}>
        <MeshNamespacePicker {...props} />
      </TestApiProvider>,
    ),
  };
}

describe('MeshNamespacePicker', () => {
  it("offers only the places the entity's annotations resolve to", async () => {
    const { api, onChange, rendered } = renderPicker(
      onboardingTargetsFixture.targets,
    );
    await rendered;
    expect(api.getOnboardingTargets).toHaveBeenCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'shipping',
    });
    await waitFor(() =>
      expect(screen.getByRole('button')).not.toHaveAttribute(
        'aria-disabled',
        'true',
      ),
    );
    fireEvent.mouseDown(screen.getByRole('button'));
    const list = within(screen.getByRole('listbox'));
    expect(list.getAllByRole('option').map(o => o.textContent)).toEqual([
      'shipping in cloud',
      'shipping in homelab',
    ]);
    fireEvent.click(list.getByText('shipping in homelab'));
    expect(onChange).toHaveBeenLastCalledWith({
      cluster: 'homelab',
      namespace: 'shipping',
    });
  });

  it('takes the only place without asking', async () => {
    const { onChange, rendered } = renderPicker([
      { cluster: 'homelab', namespace: 'reports' },
    ]);
    await rendered;
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith({
        cluster: 'homelab',
        namespace: 'reports',
      }),
    );
  });

  it('says so when the entity resolves to nowhere', async () => {
    const { rendered } = renderPicker([]);
    await rendered;
    expect(
      await screen.findByText(
        'Its Kubernetes annotations resolve to no cluster and namespace.',
      ),
    ).toBeInTheDocument();
  });
});
