import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  EntityFilterQuery,
} from '@backstage/catalog-client';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  MESH_SUMMARY_ENTITY_FIELDS,
  OverviewEntity,
  meshEntityReadPermission,
} from '@meshlens/plugin-mesh-common';
import { MeshStatusService } from '@meshlens/plugin-mesh-node';
import { Readable } from 'node:stream';
import { MESH_DOCUMENT_TYPE, MeshIndexableDocument } from '../types';
import { DEFAULT_BATCH_SIZE, readMeshCollatorOptions } from './config';
import { describePosture, describeUnknownStatus } from './describePosture';
import {
  EntityPosture,
  isMeshUnknown,
  postureFromEntityStatus,
  postureFromOverview,
} from './posture';

/** @public */
export interface MeshCollatorFactoryOptions {
  auth: AuthService;
  catalog: CatalogService;
  meshStatus: MeshStatusService;
  logger: LoggerService;
  /** Entities per catalog request; 500 by default. */
  batchSize?: number;
  /** The metrics window; the status service's default when left out. */
  window?: string;
}

// Only what the document needs travels from the catalog.
const ENTITY_FIELDS = MESH_SUMMARY_ENTITY_FIELDS;

// Either annotation makes an entity one the Kubernetes plugin (and so the
// mesh backend) can find workloads for; a list of filters is an OR.
const KUBERNETES_ENTITY_FILTER: EntityFilterQuery = [
  {
    [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: CATALOG_FILTER_EXISTS,
  },
  {
    [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
      CATALOG_FILTER_EXISTS,
  },
];

// Bounds the per-entity status calls for entities the overview lacks.
const FALLBACK_CONCURRENCY = 4;

function refKey(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
}

function ownerRef(entity: Entity): string {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return '';
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      }),
    );
  } catch {
    return owner;
  }
}

function entityLocation(entity: Entity): string {
  const namespace = (
    entity.metadata.namespace ?? DEFAULT_NAMESPACE
  ).toLocaleLowerCase('en-US');
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind,
  )}/${encodeURIComponent(entity.metadata.name)}/mesh`;
}

async function mapWithConcurrency<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, worker),
  );
  return results;
}

/**
 * Collates one `mesh` document per catalog entity with Kubernetes
 * annotations. The status of all of them comes from a single overview call
 * (batched per cluster by the mesh backend); only entities the overview
 * lacks are asked for one by one.
 *
 * @public
 */
export class MeshCollatorFactory implements DocumentCollatorFactory {
  readonly type = MESH_DOCUMENT_TYPE;
  /**
   * The route's own permission, with the entity as resource: a search
   * shows a document exactly when the entity's mesh status would be shown.
   */
  readonly visibilityPermission = meshEntityReadPermission;

  private readonly auth: AuthService;
  private readonly catalog: CatalogService;
  private readonly meshStatus: MeshStatusService;
  private readonly logger: LoggerService;
  private readonly batchSize: number;
  private readonly window?: string;

  static fromConfig(
    config: Config,
    options: Omit<MeshCollatorFactoryOptions, 'batchSize' | 'window'>,
  ): MeshCollatorFactory {
    return new MeshCollatorFactory({
      ...options,
      ...readMeshCollatorOptions(config),
    });
  }

  constructor(options: MeshCollatorFactoryOptions) {
    this.auth = options.auth;
    this.catalog = options.catalog;
    this.meshStatus = options.meshStatus;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.window = options.window;
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  private async *execute(): AsyncGenerator<MeshIndexableDocument> {
    const credentials = await this.auth.getOwnServiceCredentials();
    // If the overview fails as a whole the collation fails, so the search
    // engine keeps the previous index rather than one full of unknowns.
    const overview = await this.meshStatus.getOverview({
      credentials,
      window: this.window,
    });
    const overviewByRef = new Map<string, OverviewEntity>();
    for (const row of overview.entities) {
      overviewByRef.set(refKey(row.entityRef), row);
    }

    const counts = { documents: 0, fallbacks: 0, unknown: 0 };
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: this.batchSize, fields: ENTITY_FIELDS }
          : {
              filter: KUBERNETES_ENTITY_FILTER,
              fields: ENTITY_FIELDS,
              limit: this.batchSize,
              totalItems: 'exclude',
            },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      cursor = page.pageInfo.nextCursor;

      const documents = await mapWithConcurrency(
        page.items,
        FALLBACK_CONCURRENCY,
        async entity => {
          const ref = stringifyEntityRef(entity);
          const row = overviewByRef.get(refKey(ref));
          if (row) {
            return this.toDocument(entity, postureFromOverview(row));
          }
          counts.fallbacks += 1;
          return this.fromEntityStatus(entity, credentials, counts);
        },
      );
      for (const document of documents) {
        counts.documents += 1;
        yield document;
      }
    } while (cursor);

    this.logger.info(
      `Collated ${counts.documents} mesh documents: ${
        counts.documents - counts.fallbacks
      } from the overview, ${counts.fallbacks} asked one by one, ${
        counts.unknown
      } with unknown status`,
    );
  }

  private async fromEntityStatus(
    entity: Entity,
    credentials: BackstageCredentials,
    counts: { unknown: number },
  ): Promise<MeshIndexableDocument> {
    try {
      const status = await this.meshStatus.getEntityStatus(
        stringifyEntityRef(entity),
        { credentials, window: this.window },
      );
      return this.toDocument(entity, postureFromEntityStatus(status));
    } catch (error) {
      counts.unknown += 1;
      const reason = (error as Error).message ?? String(error);
      this.logger.warn(
        `Mesh status of ${stringifyEntityRef(entity)} unknown: ${reason}`,
      );
      return this.toUnknownDocument(entity, reason);
    }
  }

  private baseDocument(entity: Entity) {
    const entityRef = stringifyEntityRef(entity);
    return {
      title: entity.metadata.title ?? entity.metadata.name,
      location: entityLocation(entity),
      owner: ownerRef(entity),
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      entityRef,
      authorization: { resourceRef: entityRef },
    };
  }

  private toDocument(
    entity: Entity,
    posture: EntityPosture,
  ): MeshIndexableDocument {
    const first = posture.memberships[0];
    const unmeshed = isMeshUnknown(posture) ? 'unknown' : 'none';
    const failingChecks = posture.failingChecks ?? [];
    return {
      ...this.baseDocument(entity),
      text: `${describePosture(entity.metadata.name, posture)}${
        failingChecks.length
          ? ` Failing checks: ${failingChecks.map(textualCheckId).join(', ')}.`
          : ''
      }`,
      mesh: first?.mesh ?? unmeshed,
      ...(first ? { meshTitle: first.title } : {}),
      dataPlane: first?.dataPlane ?? unmeshed,
      clusters: posture.clusters,
      mtlsMode: posture.mtlsMode,
      meshedShare: posture.pods > 0 ? posture.meshedPods / posture.pods : null,
      certificateStatus: posture.soonestCertificate?.status ?? null,
      soonestExpiryDays: posture.soonestCertificate?.daysLeft ?? null,
      failingChecks,
    };
  }

  private toUnknownDocument(
    entity: Entity,
    reason: string,
  ): MeshIndexableDocument {
    const cluster =
      entity.metadata.annotations?.[KUBERNETES_CLUSTER_ANNOTATION];
    return {
      ...this.baseDocument(entity),
      text: describeUnknownStatus(entity.metadata.name, reason),
      mesh: 'unknown',
      dataPlane: 'unknown',
      clusters: cluster ? [cluster] : [],
      mtlsMode: 'unknown',
      meshedShare: null,
      certificateStatus: null,
      soonestExpiryDays: null,
      failingChecks: [],
    };
  }
}

/**
 * A check ID as the text carries it: without its `MESH-` prefix, which a
 * search engine's tokenizer splits off as the word "mesh", so that every
 * entity with a failing check would match "not meshed". `IST-006` still
 * matches a query for `MESH-IST-006`; the whole IDs are in `failingChecks`.
 */
function textualCheckId(id: string): string {
  return id.replace(/^MESH-/, '');
}
