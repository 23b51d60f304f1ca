import { MeshAdapter } from '../../index';
import { CiliumAdapter } from './cilium';
import { IstioAdapter } from './istio';
import { LinkerdAdapter } from './linkerd';

export { CiliumAdapter, IstioAdapter, LinkerdAdapter };

/** The built-in adapters, in detection order. */
export function defaultMeshAdapters(): MeshAdapter[] {
  return [new LinkerdAdapter(), new IstioAdapter(), new CiliumAdapter()];
}
