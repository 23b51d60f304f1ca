import { IndexableDocument } from '@backstage/plugin-search-common';
import {
  CertificateStatus,
  DataPlane,
  MeshName,
  MtlsMode,
} from '@meshlens/plugin-mesh-common';

/** The search document type the mesh collator writes. @public */
export const MESH_DOCUMENT_TYPE = 'mesh';

/**
 * One catalog entity's mesh posture as indexed by search (document type
 * `mesh`). `title`, `text` and `location` are the usual search fields; the
 * rest are for filters and for rendering the result.
 *
 * @public
 */
export interface MeshIndexableDocument extends IndexableDocument {
  /**
   * The mesh the entity runs in; the first one when its clusters differ.
   * `unknown` when no cluster of the entity could be read.
   */
  mesh: MeshName | 'unknown';
  /** The title of `mesh` (e.g. `Linkerd`), from its adapter; absent when not meshed. */
  meshTitle?: string;
  dataPlane: DataPlane | 'unknown';
  /** The clusters the entity's workloads run on. */
  clusters: string[];
  mtlsMode: MtlsMode;
  /** Meshed pods / pods, 0..1; null when no pod was found. */
  meshedShare: number | null;
  /** Of the certificate that expires first; null when none was read. */
  certificateStatus: CertificateStatus | null;
  /** Days until the first certificate expires, negative once expired. */
  soonestExpiryDays: number | null;
  /**
   * IDs of the checks that warn or fail, e.g. `MESH-IST-006`
   * (docs/checks/<id>.md); also at the end of `text`, so that a search for
   * an ID finds the entities.
   */
  failingChecks: string[];
  /**
   * The proxies' share of the entity's pods' CPU, 0..1 (sidecars and
   * apportioned shared proxies, measured); null when not measured. Also in
   * `text` ("proxy cost 12% of CPU").
   */
  proxyShare: number | null;
  /** The owner's entity ref, e.g. `group:default/shop-team`; empty when unset. */
  owner: string;
  kind: string;
  namespace: string;
  entityRef: string;
  authorization: { resourceRef: string };
}
