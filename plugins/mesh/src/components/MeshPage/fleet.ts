import { parseEntityRef } from '@backstage/catalog-model';
import {
  CertificateStatus,
  MtlsMode,
  OverviewEntity,
} from '@meshlens/plugin-mesh-common';
import { certificateStatusRank } from '../../lib/grading';

export interface FleetFilters {
  cluster: string;
  mesh: string;
  mtls: string;
  certificate: string;
  owner: string;
}

export const ALL = '';
export const NO_OWNER = '(none)';

export const NO_FILTERS: FleetFilters = {
  cluster: ALL,
  mesh: ALL,
  mtls: ALL,
  certificate: ALL,
  owner: ALL,
};

export type CertificateFilterValue = CertificateStatus | 'none';

export const certificateStatusOf = (
  e: OverviewEntity,
): CertificateFilterValue => e.soonestCertificateExpiry?.status ?? 'none';

export function ownerName(owner?: string): string {
  if (!owner) return 'no owner';
  try {
    return parseEntityRef(owner, { defaultKind: 'group' }).name;
  } catch {
    return owner;
  }
}

export function matches(e: OverviewEntity, f: FleetFilters): boolean {
  return (
    (f.cluster === ALL || e.clusters.includes(f.cluster)) &&
    (f.mesh === ALL || e.mesh === f.mesh) &&
    (f.mtls === ALL || e.mtlsMode === f.mtls) &&
    (f.certificate === ALL || certificateStatusOf(e) === f.certificate) &&
    (f.owner === ALL || (e.owner ?? NO_OWNER) === f.owner)
  );
}

export type SortKey =
  | 'entity'
  | 'owner'
  | 'mesh'
  | 'meshedPods'
  | 'mtls'
  | 'requestsPerSecond'
  | 'successRate'
  | 'proxyShare'
  | 'certificate'
  | 'check';

const MTLS_ORDER: Record<MtlsMode, number> = {
  disabled: 0,
  unknown: 1,
  permissive: 2,
  automatic: 3,
  strict: 4,
};
const CHECK_ORDER = { fail: 0, warn: 1, pass: 2 } as const;

export function entityName(e: OverviewEntity): string {
  return e.title ?? parseEntityRef(e.entityRef).name;
}

/**
 * Sort value of a column; `null` sorts last in either direction, so
 * entities without data never hide the ones that have it.
 */
function sortValue(e: OverviewEntity, key: SortKey): string | number | null {
  switch (key) {
    case 'entity':
      return entityName(e).toLocaleLowerCase('en-US');
    case 'owner':
      return ownerName(e.owner);
    case 'mesh':
      return `${e.mesh}/${e.dataPlane}`;
    case 'meshedPods':
      return e.pods === 0 ? null : e.meshedPods / e.pods;
    case 'mtls':
      return MTLS_ORDER[e.mtlsMode];
    case 'requestsPerSecond':
      return e.requestsPerSecond;
    case 'successRate':
      return e.successRate;
    case 'proxyShare':
      // CPU first: it is what the per-request figures and bills weigh most.
      return e.proxyShareOfTotal?.cpu ?? e.proxyShareOfTotal?.memory ?? null;
    case 'certificate':
      return e.soonestCertificateExpiry?.daysLeft ?? null;
    case 'check':
      return e.worstCheck ? CHECK_ORDER[e.worstCheck.status] : 3;
    default:
      return null;
  }
}

export function sortEntities(
  list: OverviewEntity[],
  key: SortKey,
  direction: 'asc' | 'desc',
): OverviewEntity[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null && vb === null)
      return entityName(a).localeCompare(entityName(b));
    if (va === null) return 1;
    if (vb === null) return -1;
    const order =
      typeof va === 'number' && typeof vb === 'number'
        ? va - vb
        : String(va).localeCompare(String(vb));
    return order * sign || entityName(a).localeCompare(entityName(b));
  });
}

/** The title of each mesh in the overview, as its adapter named it. */
export function meshTitles(entities: OverviewEntity[]): Record<string, string> {
  const titles: Record<string, string> = {};
  for (const e of entities) {
    for (const c of [e, ...(e.perCluster ?? [])]) {
      if (c.meshTitle) titles[c.mesh] = c.meshTitle;
    }
  }
  return titles;
}

/** Options of each filter, from what the overview contains. */
export function filterOptions(entities: OverviewEntity[]) {
  const uniq = (values: string[]) => [...new Set(values)].sort();
  return {
    cluster: uniq(entities.flatMap(e => e.clusters)),
    mesh: uniq(entities.map(e => e.mesh)),
    mtls: uniq(entities.map(e => e.mtlsMode)),
    certificate: uniq(entities.map(certificateStatusOf)).sort(
      (a, b) =>
        (a === 'none' ? -1 : certificateStatusRank(a as CertificateStatus)) -
        (b === 'none' ? -1 : certificateStatusRank(b as CertificateStatus)),
    ),
    owner: uniq(entities.map(e => e.owner ?? NO_OWNER)),
  };
}
