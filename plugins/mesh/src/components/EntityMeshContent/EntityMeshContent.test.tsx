import { ResponseError } from '@backstage/errors';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  ciliumStatus,
  istioAmbientStatus,
  istioPermissiveStatus,
  istioSidecarStatus,
  linkerdPartialMeshStatus,
  linkerdStatus,
  meshCases,
  misEnrolledStatus,
  notMeshedStatus,
  partialFailureStatus,
} from '../../__fixtures__/status';
import { timeseriesFixture } from '../../__fixtures__/fleet';
import { storefrontCost, storefrontWhatIf } from '../../__fixtures__/cost';
import {
  entityFixture,
  mockMeshApi,
  renderWithMesh,
} from '../../__testUtils__/render';
import {
  meshMyServiceTemplate,
  prefilledFormData,
} from '../../__testUtils__/meshMyServiceTemplate';
import { EntityMeshContent } from './EntityMeshContent';
import { formatRps } from '../../lib/format';
import { EntityMeshStatus } from '@meshlens/plugin-mesh-common';

function apiFor(status: EntityMeshStatus) {
  return mockMeshApi({
    getEntityStatus: jest.fn(async () => status),
    getEntityTimeseries: jest.fn(async () =>
      timeseriesFixture(
        status.entityRef.split('/')[1],
        status.clusters.flatMap(c =>
          c.workloads.map(w => ({
            cluster: c.cluster,
            namespace: c.namespace,
            workload: w.name,
          })),
        ),
      ),
    ),
  });
}

async function renderTab(status: EntityMeshStatus, refreshIntervalSeconds = 0) {
  const api = apiFor(status);
  const name = status.entityRef.split('/')[1];
  const rendered = await renderWithMesh(<EntityMeshContent />, {
    api,
    entity: entityFixture(name),
    refreshIntervalSeconds,
  });
  return { api, rendered };
}

describe('EntityMeshContent', () => {
  it('shows skeletons while loading', async () => {
    await renderWithMesh(<EntityMeshContent />, {
      api: mockMeshApi(),
      entity: entityFixture('storefront'),
    });
    expect(
      await screen.findByRole('progressbar', { name: 'Loading mesh status' }),
    ).toBeInTheDocument();
  });

  it.each(meshCases)(
    'shows mesh, workloads, edges and the last hour for $name',
    async ({ label, status }) => {
      const { api } = await renderTab(status);
      const cluster = status.clusters[0];
      const where = `${cluster.cluster}/${cluster.namespace}`;
      const section = await screen.findByRole('region', {
        name: `Mesh status in ${where}`,
      });
      expect(within(section).getByText(label)).toBeInTheDocument();
      expect(api.getEntityStatus).toHaveBeenCalledWith({
        kind: 'Component',
        namespace: 'default',
        name: status.entityRef.split('/')[1],
      });

      const workloads = within(section).getByRole('table', {
        name: `Workloads in ${where}`,
      });
      const workload = cluster.workloads[0];
      const row = within(workloads).getByRole('row', {
        name: new RegExp(`${workload.kind}/${workload.name}`),
      });
      expect(row).toHaveTextContent(`${workload.meshedPods}/${workload.pods}`);
      expect(
        within(row).getByRole('img', {
          name: `mTLS ${
            {
              strict: 'strict',
              automatic: 'automatic',
              permissive: 'permissive',
              disabled: 'off',
              unknown: 'unknown',
            }[workload.mtls.mode]
          }`,
        }),
      ).toBeInTheDocument();
      expect(row).toHaveTextContent(
        formatRps(workload.metrics!.requestsPerSecond),
      );

      expect(
        within(section).getByRole('table', { name: /^Edges of / }),
      ).toBeInTheDocument();
      expect(
        within(section).getByRole('img', { name: /^One-hop traffic graph/ }),
      ).toBeInTheDocument();
      expect(
        await within(section).findByRole('img', {
          name: /^Requests per second over the last hour: .* now \d/,
        }),
      ).toBeInTheDocument();
    },
  );

  it('shows Linkerd grade, certificates, checks, deep links and policy YAML', async () => {
    await renderTab(linkerdStatus);
    const section = await screen.findByRole('region', {
      name: 'Mesh status in homelab/storefront',
    });
    expect(
      within(section).getByRole('img', { name: 'Overall: Needs attention' }),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/edge-25\.10\.3 in linkerd/),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/annotation linkerd\.io\/inject=enabled/),
    ).toBeInTheDocument();

    const issuer = within(section).getByRole('meter', {
      name: 'identity.linkerd.cluster.local: 12 days left (warning)',
    });
    expect(issuer).toHaveAttribute('aria-valuetext', '12 days left (warning)');

    const checks = within(section).getByRole('list', {
      name: 'Checks in homelab/storefront',
    });
    const items = within(checks).getAllByRole('listitem');
    // Warnings come before passes.
    expect(items[0]).toHaveTextContent(/expires in 12 days/);
    expect(
      within(items[0]).getByRole('img', { name: 'Warning' }),
    ).toBeInTheDocument();
    expect(items[0]).toHaveTextContent(/Rotate the issuer/);

    expect(
      within(section).getByRole('link', { name: /Linkerd viz/ }),
    ).toHaveAttribute(
      'href',
      'http://viz.homelab.example/namespaces/storefront/deployments/storefront',
    );

    expect(
      within(section).queryByText(/proxyProtocol: HTTP\/1/),
    ).not.toBeInTheDocument();
    fireEvent.click(
      within(section).getByRole('button', {
        name: 'Show YAML of Server storefront-http',
      }),
    );
    expect(
      await within(section).findByText(/proxyProtocol: HTTP\/1/),
    ).toBeInTheDocument();
    expect(
      within(section).getByRole('button', {
        name: 'Hide YAML of Server storefront-http',
      }),
    ).toHaveAttribute('aria-expanded', 'true');
    const policies = within(section).getByRole('list', {
      name: 'Mesh policies in homelab/storefront',
    });
    const authz = within(policies)
      .getAllByRole('listitem')
      .find(item =>
        item.textContent?.includes(
          'AuthorizationPolicy storefront-from-ingress',
        ),
      )!;
    expect(authz).toHaveTextContent(
      /allows MeshTLSAuthentication ingress-nginx/,
    );
    // No YAML from the backend, so nothing to expand.
    expect(within(authz).queryByRole('button')).not.toBeInTheDocument();

    const graph = within(section).getByRole('img', {
      name: /^One-hop traffic graph/,
    });
    expect(graph.getAttribute('aria-label')).toContain(
      'Callers: ingress: ingress-nginx ingress/ingress-nginx 42.5 req/s encrypted',
    );
    // The ingress controller is drawn as a labelled caller, in the table too.
    expect(
      within(graph).getByText('ingress: ingress-nginx'),
    ).toBeInTheDocument();
    expect(
      within(
        within(section).getByRole('table', { name: /^Edges of / }),
      ).getByRole('rowheader', { name: /ingress: ingress-nginx/ }),
    ).toHaveTextContent('ingress: ingress-nginx ingress/ingress-nginx');
    expect(graph.getAttribute('aria-label')).toContain(
      'Callees: payments/payments 6.20 req/s encrypted, shipping/shipping 3.10 req/s encrypted',
    );
  });

  it('warns about pods without proxy and proxy version skew', async () => {
    await renderTab(linkerdPartialMeshStatus);
    const section = await screen.findByRole('region', {
      name: 'Mesh status in homelab/payments',
    });
    expect(
      within(section).getByRole('img', { name: 'Overall: Failing' }),
    ).toBeInTheDocument();
    expect(
      within(section).getByRole('img', { name: '1 of 3 pods without a proxy' }),
    ).toBeInTheDocument();
    expect(
      within(section).getByRole('img', {
        name: 'Proxy version skew: proxies differ from the control plane',
      }),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/rollout restart deployment\/payments/),
    ).toBeInTheDocument();
  });

  it('shows STRICT mTLS for Istio and a plaintext caller under PERMISSIVE', async () => {
    await renderTab(istioSidecarStatus);
    const strict = await screen.findByRole('region', {
      name: 'Mesh status in cloud/orders',
    });
    expect(
      within(strict).getByText(/strict · 100% encrypted/),
    ).toBeInTheDocument();
    expect(
      within(strict).getByText(/mTLS STRICT for the whole namespace/),
    ).toBeInTheDocument();
  });

  it('marks a plaintext edge with an open lock', async () => {
    await renderTab(istioPermissiveStatus);
    const section = await screen.findByRole('region', {
      name: 'Mesh status in cloud/inventory',
    });
    const edges = within(section).getByRole('table', { name: /^Edges of/ });
    const plaintext = within(edges).getByRole('row', {
      name: /batch\/stock-import/,
    });
    expect(
      within(plaintext).getByRole('img', { name: 'Plaintext, not encrypted' }),
    ).toBeInTheDocument();
    const encrypted = within(edges).getByRole('row', {
      name: /orders\/orders/,
    });
    expect(
      within(encrypted).getByRole('img', { name: 'mTLS encrypted' }),
    ).toBeInTheDocument();
  });

  it('says why ambient without waypoint has no success rate', async () => {
    await renderTab(istioAmbientStatus);
    const section = await screen.findByRole('region', {
      name: 'Mesh status in cloud/recommendations',
    });
    expect(
      within(section).getByText(/No waypoint: only TCP metrics/),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/label istio\.io\/dataplane-mode=ambient/),
    ).toBeInTheDocument();
  });

  it('shows Cilium without certificates and with the mutual-auth hint', async () => {
    await renderTab(ciliumStatus);
    const section = await screen.findByRole('region', {
      name: 'Mesh status in homelab/sensors',
    });
    expect(
      within(section).getByText(/No mesh certificates found/),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/authentication\.mode: required/),
    ).toBeInTheDocument();
    expect(within(section).getByText('97.12%')).toBeInTheDocument();
  });

  it('names what failed and still renders the rest on partial failure', async () => {
    await renderTab(partialFailureStatus);
    const homelab = await screen.findByRole('region', {
      name: 'Mesh status in homelab/shipping',
    });
    expect(
      within(homelab).getByText(
        /Prometheus unreachable: GET http:\/\/127\.0\.0\.1:19090\/api\/v1\/query: connect ECONNREFUSED/,
      ),
    ).toBeInTheDocument();
    const row = within(
      within(homelab).getByRole('table', {
        name: 'Workloads in homelab/shipping',
      }),
    ).getByRole('row', { name: /Deployment\/shipping/ });
    expect(row).toHaveTextContent('3/3');
    expect(row).toHaveTextContent('–');

    const cloud = screen.getByRole('region', {
      name: 'Mesh status in cloud/shipping',
    });
    expect(within(cloud).queryByText(/unreachable/)).not.toBeInTheDocument();
    expect(within(cloud).getByText('Istio · sidecar')).toBeInTheDocument();
    const cloudRow = within(
      within(cloud).getByRole('table', { name: 'Workloads in cloud/shipping' }),
    ).getByRole('row', { name: /Deployment\/shipping/ });
    expect(cloudRow).toHaveTextContent('18.4 req/s');
  });

  it('explains an unmeshed entity and links to the template with it prefilled', async () => {
    await renderTab(notMeshedStatus);
    expect(
      await screen.findByText('legacy-reports is not in any service mesh'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Namespace reports is not enrolled in any mesh/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Annotate the namespace with linkerd\.io\/inject=enabled/,
      ),
    ).toBeInTheDocument();
    // A link styled as a button: MUI gives it role=button, it keeps its href.
    const link = screen.getByRole('button', { name: 'Mesh my service' });
    const href = link.getAttribute('href')!;
    const template = meshMyServiceTemplate();
    expect(new URL(href, 'http://localhost').pathname).toBe(
      `/create/templates/default/${template.name}`,
    );
    expect(prefilledFormData(href)).toEqual({
      [template.componentField]: 'component:default/legacy-reports',
    });
    expect(
      screen.queryByRole('table', { name: /^Workloads/ }),
    ).not.toBeInTheDocument();
  });

  it('shows an unmeshed entity what meshing would cost, as estimates', async () => {
    await renderTab({
      ...notMeshedStatus,
      cost: {
        ...storefrontCost,
        whatIf: {
          ...storefrontWhatIf,
          subject: notMeshedStatus.entityRef,
          basis: { pods: 1, nodeShare: 0.25, window: '5m' },
        },
      },
    });
    const section = await screen.findByRole('region', {
      name: 'What meshing would cost',
    });
    expect(section).toHaveTextContent(
      'What meshing would cost (estimated, not measured)',
    );
    expect(section).toHaveTextContent(
      /no measured requests\/s, 1 pod, a node share of 0\.25/,
    );
    expect(
      within(section).getByRole('row', { name: /Istio \(sidecar\)/ }),
    ).toBeInTheDocument();
    // The measured cost of a service without proxies is not shown as a tax.
    expect(
      screen.queryByRole('table', { name: 'Cost per workload' }),
    ).not.toBeInTheDocument();
  });

  it('treats a mesh in the cluster without proxies in the pods as not meshed', async () => {
    await renderTab(misEnrolledStatus);
    expect(
      await screen.findByText('legacy-reports is not in any service mesh'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/linkerd\.io\/injection=enabled, which Linkerd ignores/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Mesh my service' }),
    ).toHaveAttribute('href', expect.stringContaining('mesh-my-service'));
    // Only the failing check is a reason; passing ones stay out of the way.
    expect(
      screen.queryByText(/control plane in linkerd is healthy/),
    ).not.toBeInTheDocument();
  });

  it('shows the backend error when the request fails', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: 'You may not read mesh.entity.read',
        },
        request: {
          method: 'GET',
          url: '/v1/entities/component/default/storefront',
        },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'content-type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    const api = mockMeshApi({
      getEntityStatus: jest.fn().mockRejectedValue(error),
    });
    await renderWithMesh(<EntityMeshContent />, {
      api,
      entity: entityFixture('storefront'),
    });
    expect(
      await screen.findByText(/Could not load the mesh status/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/You may not read mesh\.entity\.read/).length,
    ).toBeGreaterThan(0);
  });

  it('reloads on the refresh button', async () => {
    const { api } = await renderTab(linkerdStatus);
    await screen.findByRole('region', {
      name: 'Mesh status in homelab/storefront',
    });
    expect(api.getEntityStatus).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(api.getEntityStatus).toHaveBeenCalledTimes(2));
    expect(api.getEntityTimeseries).toHaveBeenCalledTimes(2);
  });

  it('reloads on its own at the configured interval', async () => {
    const { api } = await renderTab(linkerdStatus, 0.2);
    await screen.findByRole('region', {
      name: 'Mesh status in homelab/storefront',
    });
    await waitFor(() =>
      expect(api.getEntityStatus.mock.calls.length).toBeGreaterThanOrEqual(3),
    );
    expect(api.getEntityTimeseries.mock.calls.length).toBeGreaterThanOrEqual(2);
  });
});
