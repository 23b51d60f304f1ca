/**
 * The built-in mesh adapters (Linkerd, Istio sidecar and ambient, Cilium),
 * shared by the mesh backend and the scaffolder module. A subpath, so that a
 * plugin that only needs the contracts does not load them.
 *
 * @packageDocumentation
 */
import { MeshAdapter } from '../../index';
import { CiliumAdapter } from './cilium';
import { IstioAdapter } from './istio';
import { LinkerdAdapter } from './linkerd';

export { CiliumAdapter, IstioAdapter, LinkerdAdapter };
// The contracts the adapters' public members name, for readers of this entry point.
export type * from '../../index';

/**
 * The built-in adapters, in detection order.
 * @public
 */
export function defaultMeshAdapters(): MeshAdapter[] {
  return [new LinkerdAdapter(), new IstioAdapter(), new CiliumAdapter()];
}
