import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityMeshStatus } from '@meshlens/plugin-mesh-common';
import {
  KubernetesProxyClient,
  MeshStatusService,
} from '@meshlens/plugin-mesh-node';
import { setupServer, SetupServer } from 'msw/node';
import { FakeKubernetes } from './fakeKubernetes';

/** Where mockServices.discovery() puts the Kubernetes backend's proxy. */
export const PROXY_BASE = 'http://localhost:0/api/kubernetes/proxy';

export function fakeCluster(server: Pick<SetupServer, 'use'>) {
  const fake = new FakeKubernetes(PROXY_BASE);
  server.use(...fake.handlers());
  return fake;
}

export function actionOptions(
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    status?: EntityMeshStatus;
  } = {},
) {
  const meshStatus: MeshStatusService | undefined = options.status
    ? {
        getEntityStatus: jest.fn().mockResolvedValue(options.status),
        getOverview: jest.fn(),
        getCertificates: jest.fn(),
        getEntityTimeseries: jest.fn(),
      }
    : undefined;
  const proxy = new KubernetesProxyClient({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
  });
  return {
    kubernetes: (o: { cluster: string; credentials: BackstageCredentials }) =>
      proxy.cluster(o.cluster, o.credentials),
    permissions: mockServices.permissions({
      result: options.permission ?? AuthorizeResult.ALLOW,
    }),
    meshStatus,
    settings: { rolloutTimeoutMs: 3000, rolloutPollIntervalMs: 5 },
  };
}

/** An entity status whose one workload has the given inbound edges. */
export function statusWith(
  cluster: string,
  namespace: string,
  edges: Array<{ from: string; mtls: boolean | null }>,
  encryptedShare: number | null,
): EntityMeshStatus {
  return {
    entityRef: `component:default/${namespace}`,
    window: '5m',
    generatedAt: new Date(0).toISOString(),
    clusters: [
      {
        cluster,
        namespace,
        mesh: 'none',
        dataPlane: 'none',
        controlPlane: null,
        injection: { namespace: 'unset', marker: null },
        workloads: [
          {
            kind: 'Deployment',
            name: namespace,
            pods: 1,
            meshedPods: 0,
            proxyVersions: [],
            versionSkew: false,
            mtls: { mode: 'unknown', encryptedShare },
            metrics: null,
            edges: edges.map(e => {
              const [ns, name] = e.from.split('/');
              return {
                direction: 'inbound' as const,
                peer: { namespace: ns, name },
                requestsPerSecond: 1,
                successRate: 1,
                mtls: e.mtls,
              };
            }),
          },
        ],
        certificates: [],
        policies: [],
        checks: [],
        errors: [],
      },
    ],
  };
}

/**
 * A fake cluster behind msw for the tests of a describe block, fresh for
 * each test, and a client of its `homelab` cluster through the proxy.
 */
export function useFakeCluster() {
  const server = setupServer();
  registerMswTestHooks(server);
  let fake: FakeKubernetes | undefined;
  beforeEach(() => {
    fake = fakeCluster(server);
  });
  return {
    get fake(): FakeKubernetes {
      return fake!;
    },
    api: () =>
      actionOptions().kubernetes({
        cluster: 'homelab',
        credentials: mockCredentials.user(),
      }),
  };
}
