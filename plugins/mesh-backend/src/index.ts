/**
 * The Meshlens backend: per catalog entity, its mesh, mTLS, golden metrics,
 * edges, certificates and health, for Linkerd, Istio and Cilium.
 *
 * @packageDocumentation
 */
export { meshPlugin as default } from './plugin';
export { meshStatusServiceFactory } from './service/serviceFactory';
export {
  LinkerdAdapter,
  IstioAdapter,
  CiliumAdapter,
  defaultMeshAdapters,
} from '@meshlens/plugin-mesh-node/adapters';
