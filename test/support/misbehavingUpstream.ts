/**
 * The misbehaving upstream (a Prometheus or Kubernetes API that answers
 * broken or hostile bodies on command). It lives beside the mesh backend's
 * test utilities so the backend's own tests can use it too.
 */
export * from '../../plugins/mesh-backend/src/__testUtils__/misbehavingUpstream';
