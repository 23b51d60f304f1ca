import { Entity } from '@backstage/catalog-model';
import {
  EntityMeshStatus,
  MeshOverview,
  OverviewEntity,
} from '@meshlens/plugin-mesh-common';
import { MeshStatusService, meshTitleOf } from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';

/** The titles the built-in adapters give the mesh backend's answers. */
const BUILT_IN_TITLES = new Map(
  defaultMeshAdapters().map(a => [a.mesh, meshTitleOf(a)]),
);

/** The `meshTitle` the mesh backend sends along with a built-in mesh. */
export function titleOf(mesh: string): { meshTitle?: string } {
  const meshTitle = BUILT_IN_TITLES.get(mesh);
  return meshTitle ? { meshTitle } : {};
}

/** A Component with the Kubernetes annotations the collator looks for. */
export function component(
  name: string,
  options: {
    cluster?: string;
    owner?: string;
    title?: string;
    namespace?: string;
    labelSelector?: boolean;
    kubernetes?: boolean;
  } = {},
): Entity {
  const annotations: Record<string, string> = {};
  if (options.kubernetes !== false) {
    if (options.labelSelector) {
      annotations[
        'backstage.io/kubernetes-label-selector'
      ] = `app.kubernetes.io/name=${name}`;
    } else {
      annotations['backstage.io/kubernetes-id'] = name;
    }
    if (options.cluster) {
      annotations['backstage.io/kubernetes-cluster'] = options.cluster;
    }
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: options.namespace,
      title: options.title,
      annotations,
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: options.owner ?? 'shop-team',
    },
  };
}

/** An overview row of a fully meshed Linkerd entity, to be overridden. */
export function overviewRow(
  entityRef: string,
  overrides: Partial<OverviewEntity> = {},
): OverviewEntity {
  return {
    entityRef,
    clusters: ['homelab'],
    mesh: 'linkerd',
    dataPlane: 'sidecar',
    pods: 3,
    meshedPods: 3,
    mtlsMode: 'strict',
    encryptedShare: 1,
    successRate: 0.992,
    requestsPerSecond: 4.2,
    soonestCertificateExpiry: null,
    worstCheck: null,
    errors: [],
    ...titleOf(overrides.mesh ?? 'linkerd'),
    ...overrides,
  };
}

export function overviewOf(entities: OverviewEntity[]): MeshOverview {
  const totals = {
    entities: entities.length,
    meshed: entities.filter(e => e.mesh !== 'none').length,
    strictMtls: entities.filter(e => e.mtlsMode === 'strict').length,
    pods: entities.reduce((sum, e) => sum + e.pods, 0),
    meshedPods: entities.reduce((sum, e) => sum + e.meshedPods, 0),
  };
  return {
    generatedAt: new Date(0).toISOString(),
    window: '5m',
    entities,
    totals,
    byCluster: {},
    byMesh: {},
  };
}

/**
 * A status service answering from fixed data, counting its calls the way
 * the upstream requests would be counted.
 */
export class FixedMeshStatusService implements MeshStatusService {
  readonly calls = { overview: 0, entityStatus: 0, certificates: 0 };

  constructor(
    private readonly overview: MeshOverview | (() => Promise<MeshOverview>),
    private readonly entityStatuses: Record<
      string,
      EntityMeshStatus | Error
    > = {},
  ) {}

  async getOverview(): Promise<MeshOverview> {
    this.calls.overview += 1;
    return typeof this.overview === 'function'
      ? this.overview()
      : this.overview;
  }

  async getEntityStatus(entityRef: string | object): Promise<EntityMeshStatus> {
    this.calls.entityStatus += 1;
    const answer = this.entityStatuses[String(entityRef)];
    if (!answer) {
      throw new Error(`no status for ${String(entityRef)}`);
    }
    if (answer instanceof Error) throw answer;
    return answer;
  }

  async getCertificates(): Promise<never> {
    this.calls.certificates += 1;
    throw new Error('not used by the collator');
  }

  async getOnboardingTargets(): Promise<never> {
    throw new Error('not used by the collator');
  }

  async getEntityTimeseries(): Promise<never> {
    throw new Error('not used by the collator');
  }
}
