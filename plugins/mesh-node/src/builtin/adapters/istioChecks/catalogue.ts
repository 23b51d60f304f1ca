import { defineChecks } from '@meshlens/plugin-mesh-common';

/** Istio's checks, sidecar (IST) and ambient (AMB); pages in docs/checks/<id>.md. */
export const ISTIO_CHECKS = defineChecks({
  injectionAndRevision: {
    id: 'MESH-IST-001',
    severity: 'warn',
    title: 'One injection label per namespace',
    sameAs: 'istioctl analyze IST0123 (NamespaceMultipleInjectionLabels)',
  },
  injectAnnotation: {
    id: 'MESH-IST-002',
    severity: 'warn',
    title: 'Injection is set by the label, not the deprecated annotation',
    sameAs: 'istioctl analyze IST0135 (DeprecatedAnnotation)',
  },
  strictWithPlaintextCallers: {
    id: 'MESH-IST-003',
    severity: 'fail',
    title: 'STRICT workloads receive no plaintext',
  },
  mutualTlsToNoSidecar: {
    id: 'MESH-IST-004',
    severity: 'fail',
    title: 'ISTIO_MUTUAL only towards hosts with a sidecar',
  },
  disableTowardsStrict: {
    id: 'MESH-IST-005',
    severity: 'fail',
    title: 'No TLS DISABLE towards a STRICT host',
    sameAs: 'Kiali KIA0207',
  },
  podSecurityBlocksInit: {
    id: 'MESH-IST-006',
    severity: 'fail',
    title: 'Pod Security admits the injected pods',
  },
  cniMismatch: {
    id: 'MESH-IST-007',
    severity: 'fail',
    title: 'pilot.cni.enabled agrees with the istio-cni DaemonSet',
  },
  initBeforeProxy: {
    id: 'MESH-IST-008',
    severity: 'warn',
    title: 'Init containers do not need the network before the proxy',
  },
  virtualServiceReference: {
    id: 'MESH-IST-009',
    severity: 'fail',
    title: 'VirtualService routes name existing hosts and subsets',
    sameAs:
      'Kiali KIA1101, KIA1107; istioctl analyze IST0101 (ReferencedResourceNotFound)',
  },
  revisionNotServed: {
    id: 'MESH-IST-010',
    severity: 'fail',
    title: 'The namespace revision is served by an istiod',
  },
  l7PolicyWithoutWaypoint: {
    id: 'MESH-AMB-001',
    severity: 'fail',
    title: 'L7 authorization in ambient has a waypoint',
  },
  missingWaypoint: {
    id: 'MESH-AMB-002',
    severity: 'fail',
    title: 'istio.io/use-waypoint names an existing waypoint',
  },
  selectorL7Policy: {
    id: 'MESH-AMB-003',
    severity: 'fail',
    title: 'L7 policies attach to the waypoint with targetRefs',
  },
  sidecarResourcesInAmbient: {
    id: 'MESH-AMB-004',
    severity: 'warn',
    title: 'No Sidecar or EnvoyFilter in an ambient namespace',
  },
  ambientAndInjection: {
    id: 'MESH-AMB-005',
    severity: 'warn',
    title: 'A namespace is ambient or injected, not both',
  },
  noWaypointMetrics: {
    id: 'MESH-AMB-006',
    severity: 'warn',
    title: 'Ambient workloads have a waypoint, hence HTTP metrics',
  },
});
