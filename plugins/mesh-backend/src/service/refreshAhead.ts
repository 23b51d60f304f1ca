import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { KubernetesSession } from '@meshlens/plugin-mesh-node';
import { StatusQueryContext } from './queryContext';
import { JsonSafe, RefreshAhead } from './SingleFlightCache';

/**
 * How a query's answer is refreshed ahead of its TTL: only an answer every
 * caller shares (each cluster read under the plugin's own identity), and
 * with a session of its own that reads the clusters again. An answer read
 * with a user's cluster token is never refreshed: the background has no
 * right to that token beyond the request.
 */
export function refreshAheadOf<T>(
  view: string,
  context: StatusQueryContext,
  options: { credentials: BackstageCredentials },
  compute: (session: KubernetesSession) => Promise<T & JsonSafe<T>>,
): RefreshAhead<T> | undefined {
  if (view !== 'shared') return undefined;
  return {
    recompute: () =>
      // No cluster token of the caller: a shared view needs none.
      compute(context.kube.session(options.credentials, { refresh: true })),
  };
}
