import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MeshAdapter } from '@meshlens/plugin-mesh-node';
import { CertificateReader } from '../clients/CertificateReader';
import { KubernetesProxyClient } from '@meshlens/plugin-mesh-node';
import { PrometheusClient } from '../clients/PrometheusClient';
import { MeshConfig } from '../config';
import { ClusterReads } from './ClusterReads';
import { NamespaceStatuses } from './namespaceStatus';
import { SingleFlightCache } from './SingleFlightCache';
import { TopologyHints } from './TopologyHints';

/** What every query of the status service shares: one read pipeline, one cache. */
export interface StatusQueryContext {
  config: MeshConfig;
  auth: AuthService;
  adapters: () => MeshAdapter[];
  catalog: CatalogService;
  kube: KubernetesProxyClient;
  flights: SingleFlightCache;
  hints: TopologyHints;
  reads: ClusterReads;
  statuses: NamespaceStatuses;
  certificateReader: CertificateReader;
  prometheus: Map<string, PrometheusClient>;
}
