/*
 * Collates N entities spread over 3 clusters and prints the time, the
 * documents per second and the upstream requests, to show the requests grow
 * with catalog pages, not with entities.
 *
 *   npm run bench                # 1,000, 2,500 and 5,000 entities
 *   npm run bench -- 5000 20000  # other sizes
 *
 * Catalog: an in-process stub of the catalog's /entities/by-query served over
 * HTTP on 127.0.0.1 and read with the real CatalogClient, so paging, JSON and
 * the projection cost what they cost in production.
 * Status: a counting in-process MeshStatusService (the mesh backend is not
 * part of this package); one getOverview call stands for the backend's
 * per-cluster batched queries.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  CATALOG_FILTER_EXISTS,
  CatalogClient,
  EntityFilterQuery,
} from '@backstage/catalog-client';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import { MeshCollatorFactory } from '../src';
import {
  component,
  FixedMeshStatusService,
  overviewOf,
  overviewRow,
} from '../src/__testUtils__/fixtures';

const CLUSTERS = ['homelab', 'cloud', 'edge'];
const UNANNOTATED = 50;

const MESH_BY_CLUSTER: Record<string, 'linkerd' | 'istio' | 'cilium'> = {
  homelab: 'linkerd',
  cloud: 'istio',
  edge: 'cilium',
};

function dataPlaneOf(cluster: string, i: number) {
  if (cluster === 'edge') return 'ebpf' as const;
  if (cluster === 'cloud' && i % 4 === 0) return 'ambient' as const;
  return 'sidecar' as const;
}

function certificateStatusOf(daysLeft: number) {
  if (daysLeft < 0) return 'expired' as const;
  if (daysLeft < 25) return 'warning' as const;
  return 'ok' as const;
}

/** A mix of meshes, partial enrolment, permissive mTLS and certificates. */
function syntheticRow(
  entityRef: string,
  cluster: string,
  i: number,
): OverviewEntity {
  if (i % 10 === 9) {
    return overviewRow(entityRef, {
      clusters: [cluster],
      mesh: 'none',
      dataPlane: 'none',
      meshedPods: 0,
      mtlsMode: 'disabled',
      encryptedShare: null,
    });
  }
  const permissive = i % 5 === 0;
  const daysLeft = (i % 90) - 5;
  return overviewRow(entityRef, {
    clusters: [cluster],
    mesh: MESH_BY_CLUSTER[cluster],
    dataPlane: dataPlaneOf(cluster, i),
    meshedPods: i % 13 === 0 ? 2 : 3,
    mtlsMode: permissive ? 'permissive' : 'strict',
    encryptedShare: permissive ? 0.8 : 1,
    soonestCertificateExpiry: {
      daysLeft,
      status: certificateStatusOf(daysLeft),
      subject: `${cluster}.issuer`,
    },
  });
}

function fleet(size: number): { entities: Entity[]; rows: OverviewEntity[] } {
  const entities: Entity[] = [];
  const rows: OverviewEntity[] = [];
  for (let i = 0; i < size; i++) {
    const name = `svc-${String(i).padStart(5, '0')}`;
    const cluster = CLUSTERS[i % CLUSTERS.length];
    entities.push(
      component(name, {
        cluster,
        owner: `team-${i % 40}`,
        labelSelector: i % 7 === 0,
      }),
    );
    rows.push(syntheticRow(`component:default/${name}`, cluster, i));
  }
  for (let i = 0; i < UNANNOTATED; i++) {
    entities.push(component(`docs-${i}`, { kubernetes: false }));
  }
  return { entities, rows };
}

/** Serves GET /entities/by-query from memory, counting requests. */
async function startCatalogStub(entities: Entity[]) {
  const memory = new InMemoryCatalogClient({ entities });
  const counter = { requests: 0 };
  const server: Server = createServer(async (req, res) => {
    counter.requests += 1;
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/entities/by-query') {
        res.writeHead(404).end();
        return;
      }
      const q = url.searchParams;
      const list = (key: string) => q.getAll(key).flatMap(v => v.split(','));
      const limit = q.has('limit') ? Number(q.get('limit')) : undefined;
      const fields = list('fields');
      const cursor = q.get('cursor');
      const response = cursor
        ? await memory.queryEntities({ cursor, limit, fields })
        : await memory.queryEntities({
            limit,
            fields,
            filter: q.getAll('filter').map(f =>
              Object.fromEntries(
                f.split(',').map(part => {
                  const [key, value] = part.split('=');
                  return [key, value ?? CATALOG_FILTER_EXISTS];
                }),
              ),
            ) as EntityFilterQuery,
          });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(response));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    counter,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

async function run(size: number, batchSize: number) {
  const { entities, rows } = fleet(size);
  const stub = await startCatalogStub(entities);
  try {
    const client = new CatalogClient({
      discoveryApi: { getBaseUrl: async () => stub.baseUrl },
    });
    // The collator only pages; the service's credentials option has no
    // meaning to the stub.
    const catalog = {
      queryEntities: (request: any) => client.queryEntities(request),
    } as unknown as CatalogService;
    const meshStatus = new FixedMeshStatusService(overviewOf(rows));
    const factory = new MeshCollatorFactory({
      auth: mockServices.auth(),
      catalog,
      meshStatus,
      logger: mockServices.rootLogger({ level: 'error' }),
      batchSize,
    });

    const started = performance.now();
    let documents = 0;
    for await (const _document of await factory.getCollator()) {
      documents += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    if (documents !== size) {
      throw new Error(`expected ${size} documents, collated ${documents}`);
    }
    const statusCalls =
      meshStatus.calls.overview + meshStatus.calls.entityStatus;
    return {
      entities: size,
      seconds,
      perSecond: documents / seconds,
      catalogPages: stub.counter.requests,
      statusCalls,
      requestsPerEntity: (stub.counter.requests + statusCalls) / size,
    };
  } finally {
    await stub.close();
  }
}

async function main() {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter(n => n > 0);
  const batchSize = 500;
  console.log(
    `Mesh collator benchmark: ${CLUSTERS.length} clusters (${CLUSTERS.join(
      ', ',
    )}), batch size ${batchSize}, ${UNANNOTATED} entities without Kubernetes annotations filtered out by the catalog.`,
  );
  console.log(
    'Catalog: in-process stub of /entities/by-query over HTTP on 127.0.0.1, read with CatalogClient.',
  );
  console.log(
    'Status: counting in-process MeshStatusService (1 getOverview per collation, batched per cluster by the mesh backend).',
  );
  // A first small run warms up the JIT and the HTTP client.
  await run(500, batchSize);
  const results = [];
  for (const size of sizes.length ? sizes : [1000, 2500, 5000]) {
    results.push(await run(size, batchSize));
  }
  console.table(
    results.map(r => ({
      entities: r.entities,
      'time (ms)': Math.round(r.seconds * 1000),
      'documents/s': Math.round(r.perSecond),
      'catalog pages': r.catalogPages,
      'status calls': r.statusCalls,
      'upstream requests per entity': r.requestsPerEntity.toFixed(4),
    })),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
