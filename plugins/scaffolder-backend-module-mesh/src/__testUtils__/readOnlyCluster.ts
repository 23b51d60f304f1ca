import {
  KubeObject,
  KubeResourceType,
  KubernetesCallOptions,
  KubernetesClusterClient,
  KubernetesListAllOptions,
} from '@meshlens/plugin-mesh-node';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const isOf = (type: KubeResourceType, o: KubeObject) =>
  o.apiVersion === type.apiVersion && o.kind === type.kind;

/**
 * The reads of an API server that holds `objects`, in memory, for the
 * planner's unit tests (no HTTP, so a mutation run stays quick). Like the
 * real store it keeps and hands out JSON copies, never a caller's
 * reference; like the real client an aborted signal rejects the call.
 * Anything the planner does not call fails loudly instead of pretending.
 */
export function readOnlyCluster(
  objects: KubeObject[],
): KubernetesClusterClient {
  const stored = objects.map(clone);
  const refuse = (what: string) => async () => {
    throw new Error(`readOnlyCluster serves reads only, not ${what}`);
  };
  const list = async (
    type: KubeResourceType,
    options: KubernetesListAllOptions = {},
  ): Promise<KubeObject[]> => {
    options.signal?.throwIfAborted();
    if (options.labelSelector !== undefined) {
      throw new Error('readOnlyCluster does not filter by label selector');
    }
    return stored
      .filter(
        o =>
          isOf(type, o) &&
          (options.namespace === undefined ||
            o.metadata.namespace === options.namespace),
      )
      .map(clone);
  };
  return {
    async get(
      type: KubeResourceType,
      name: string,
      namespace?: string,
      options: KubernetesCallOptions = {},
    ) {
      options.signal?.throwIfAborted();
      const found = stored.find(
        o =>
          isOf(type, o) &&
          o.metadata.name === name &&
          o.metadata.namespace === namespace,
      );
      return found && clone(found);
    },
    list,
    listPage: refuse('paged lists'),
    servedResources: refuse('API discovery'),
    create: refuse('create'),
    apply: refuse('apply'),
    mergePatch: refuse('merge patch'),
    jsonPatch: refuse('JSON patch'),
    replace: refuse('replace'),
    delete: refuse('delete'),
  };
}
