import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NotFoundError } from '@backstage/errors';
import { EntityMeshStatus } from '@meshlens/plugin-mesh-common';
import {
  entityKubernetesTarget,
  entityPlacements,
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

/** A catalog entity as the resolver reads it: its ref and annotations. */
export interface TestEntity {
  ref: string;
  annotations: Record<string, string>;
}

/** The entity `run` onboards unless a test names another: it runs where the input says. */
export const DEFAULT_ENTITY_REF = 'component:default/service';

export function entityAt(
  ref: string,
  cluster: unknown,
  namespace: unknown,
): TestEntity {
  return {
    ref,
    annotations: {
      'backstage.io/kubernetes-id': ref.split('/').pop()!,
      ...(typeof cluster === 'string' && cluster
        ? { 'backstage.io/kubernetes-cluster': cluster }
        : {}),
      ...(typeof namespace === 'string' && namespace
        ? { 'backstage.io/kubernetes-namespace': namespace }
        : {}),
    },
  };
}

export function actionOptions(
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    status?: EntityMeshStatus;
    /** The catalog the scope is resolved from. */
    entities?: TestEntity[];
    /** The Kubernetes plugin's clusters. */
    clusters?: string[];
  } = {},
) {
  const meshStatus: MeshStatusService | undefined = options.status
    ? {
        getEntityStatus: jest.fn().mockResolvedValue(options.status),
        getOverview: jest.fn(),
        getCertificates: jest.fn(),
        getEntityTimeseries: jest.fn(),
        getOnboardingTargets: jest.fn(),
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
    // The mesh plugin's resolution (mesh-node's entityPlacements) over the
    // fake API server, as the module gets it from getOnboardingTargets.
    onboardingTargets: async (
      entityRef: string,
      credentials: BackstageCredentials,
    ) => {
      const entity = (options.entities ?? []).find(e => e.ref === entityRef);
      if (!entity) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
      const { targets, problems } = await entityPlacements({
        target: entityKubernetesTarget({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: entityRef, annotations: entity.annotations },
        }),
        clusters: options.clusters ?? ['homelab', 'cloud'],
        list: cluster => {
          const client = proxy.cluster(cluster, credentials);
          return (type, o) => client.list(type, o);
        },
      });
      return { entityRef, targets, problems };
    },
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
