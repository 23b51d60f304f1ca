import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * Whose view an answer is: cached answers and control planes are kept per
 * principal, since the Kubernetes backend and the catalog may show each
 * caller something else.
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
