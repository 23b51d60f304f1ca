import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { KubernetesSession } from '@meshlens/plugin-mesh-node';

/**
 * Who an answer was read for, when it is not shared: answers from clusters
 * read on behalf of the caller (a client-side auth provider) are kept per
 * principal and never given to anyone else.
 */
export function principalKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'none') {
    throw new InputError('Mesh status needs user or service credentials');
  }
  return p.userEntityRef ?? p.subject ?? p.type ?? 'unknown';
}

/**
 * The cache key part of an answer: `shared` when every cluster it reads is
 * read under the plugin's own identity (the same for every caller, who is
 * then authorized for what of it they see), the principal otherwise.
 */
export async function viewKey(
  session: KubernetesSession,
  credentials: BackstageCredentials,
  cluster?: string,
): Promise<string> {
  const principal = principalKey(credentials);
  // Without the cluster list the answer is the caller's own: it holds the
  // listing's error, and nothing is shared on a guess.
  const shared = await (cluster
    ? session.isShared(cluster)
    : session.view().then(v => v === 'shared')
  ).catch(() => false);
  return shared ? 'shared' : `user:${principal}`;
}
