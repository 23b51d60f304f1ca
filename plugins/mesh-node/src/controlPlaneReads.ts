import type { MeshControlPlaneState } from './adapters';

/**
 * Finds a control plane and reads objects in its namespace. With `known`
 * (an earlier read), the objects are read in that namespace while `locate`
 * confirms it, one round instead of two; if the control plane moved, they
 * are read again where it runs now, so the answer is never the stale one.
 * Undefined when `namespaceOf` finds no control plane.
 * @public
 */
export async function readAlongsideKnownNamespace<L, T>(options: {
  known: MeshControlPlaneState | undefined;
  locate: () => Promise<L>;
  namespaceOf: (located: L) => string | undefined;
  read: (namespace: string) => Promise<T>;
}): Promise<{ located: L; namespace: string; objects: T } | undefined> {
  const { known } = options;
  const early = known ? options.read(known.namespace) : undefined;
  // Not awaited when the control plane is gone or moved.
  early?.catch(() => undefined);
  const located = await options.locate();
  const namespace = options.namespaceOf(located);
  if (namespace === undefined) return undefined;
  const objects = await (early && known?.namespace === namespace
    ? early
    : options.read(namespace));
  return { located, namespace, objects };
}
