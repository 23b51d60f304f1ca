import { ClusterMeshStatus } from '@meshlens/plugin-mesh-common';
import { KubernetesSession } from '@meshlens/plugin-mesh-node';
import { unknownClusterCheck } from './checks';
import { errorMessage } from './clusterSnapshot';
import { LocatedTarget } from './entityTargets';
import { noneStatus, unreachableStatus } from './statuses';
import { TopologyHints } from './TopologyHints';

/** The text of an error listing the clusters, as statuses and errors show it. */
export const listingFailed = (e: unknown) =>
  `Listing the Kubernetes backend's clusters failed: ${errorMessage(e)}`;

/** The Kubernetes backend's clusters, remembered as a hint for the next request. */
export function listClusters(
  session: KubernetesSession,
  hints: TopologyHints,
): Promise<string[]> {
  const listing = session.listClusters().then(clusters => {
    hints.rememberClusters(clusters);
    return clusters;
  });
  listing.catch(() => undefined);
  return listing;
}

/** Starts each cluster's read once, whether early (from a hint) or after the cluster list. */
export function readEachClusterOnce<R>(
  read: (cluster: string) => Promise<R>,
): (cluster: string) => Promise<R> {
  const started = new Map<string, Promise<R>>();
  return cluster => {
    let r = started.get(cluster);
    if (!r) {
      r = read(cluster);
      // A read started early for a cluster the list no longer has is dropped.
      r.catch(() => undefined);
      started.set(cluster, r);
    }
    return r;
  };
}

/** The clusters to look in for an entity, or a status that explains why there is none. */
export async function locateClusters(
  listing: Promise<string[]>,
  target: LocatedTarget,
): Promise<{ clusters: string[] } | { status: ClusterMeshStatus }> {
  let known: string[];
  try {
    known = await listing;
  } catch (e) {
    return {
      status: unreachableStatus(
        target.cluster ?? '',
        target.namespace,
        listingFailed(e),
      ),
    };
  }
  if (target.cluster && !known.includes(target.cluster)) {
    return {
      status: noneStatus(target.cluster, target.namespace ?? '', [
        unknownClusterCheck(target.cluster, known),
      ]),
    };
  }
  return { clusters: target.cluster ? [target.cluster] : known };
}
