import { KubeResourceType } from './types';

/**
 * The version of a kind to read on one cluster: `apiVersion` when the
 * cluster serves it, else the first of `fallbackApiVersions` it serves,
 * else undefined (the kind's CRD is not installed at any version read).
 * `servedResources` answers API discovery for one group version, as
 * `KubernetesClusterClient.servedResources` does.
 *
 * A kind without fallbacks is returned as it is, without discovery: its
 * list answers 404 when not served, which already reads as empty.
 */
export async function servedVersionOf(
  type: KubeResourceType,
  servedResources: (apiVersion: string) => Promise<string[] | undefined>,
): Promise<KubeResourceType | undefined> {
  if (!type.fallbackApiVersions?.length) return type;
  for (const apiVersion of [type.apiVersion, ...type.fallbackApiVersions]) {
    const plurals = await servedResources(apiVersion);
    if (plurals?.includes(type.plural)) {
      return apiVersion === type.apiVersion ? type : { ...type, apiVersion };
    }
  }
  return undefined;
}
