import { defineChecks } from '@meshlens/plugin-mesh-common';

/**
 * The checks every mesh shares. IDs are stable: a retired check keeps its
 * number, unused. Each has its page in docs/checks/<id>.md.
 */
export const COMMON_CHECKS = defineChecks({
  annotationsMissing: {
    id: 'MESH-COM-001',
    severity: 'fail',
    title: 'The entity names its Kubernetes workloads',
  },
  annotationsInvalid: {
    id: 'MESH-COM-002',
    severity: 'fail',
    title: "The entity's Kubernetes annotations are valid",
  },
  clusterUnknown: {
    id: 'MESH-COM-003',
    severity: 'fail',
    title: 'The annotated cluster is configured',
  },
  clusterUnreachable: {
    id: 'MESH-COM-004',
    severity: 'warn',
    title: 'The cluster can be read',
  },
  noWorkloads: {
    id: 'MESH-COM-005',
    severity: 'warn',
    title: "Workloads match the entity's selector",
  },
  namespaceMissing: {
    id: 'MESH-COM-006',
    severity: 'fail',
    title: "The entity's namespace exists",
  },
  notEnrolled: {
    id: 'MESH-COM-007',
    severity: 'fail',
    title: 'The namespace is enrolled in a mesh',
    sameAs: 'istioctl analyze IST0102 (NamespaceNotInjected)',
  },
  controlPlane: {
    id: 'MESH-COM-008',
    severity: 'fail',
    title: 'The control plane is healthy',
    sameAs: 'linkerd check "control plane pods are ready"',
  },
  restartNeeded: {
    id: 'MESH-COM-009',
    severity: 'warn',
    title: 'Every pod started after the enrolment',
    sameAs: 'istioctl analyze IST0103 (PodMissingProxy)',
  },
  versionSkew: {
    id: 'MESH-COM-010',
    severity: 'warn',
    title: 'Proxies run the control plane version',
    sameAs:
      'linkerd check --proxy "data plane is up-to-date"; istioctl analyze IST0158 (PodsIstioProxyImageMismatchInNamespace)',
  },
  mtlsMode: {
    id: 'MESH-COM-011',
    severity: 'fail',
    title: 'mTLS is enforced',
  },
  plaintext: {
    id: 'MESH-COM-012',
    severity: 'fail',
    title: 'Inbound requests are mTLS',
    sameAs: 'linkerd viz edges (SECURED column, not a check)',
  },
  successRate: {
    id: 'MESH-COM-013',
    severity: 'fail',
    title: 'Requests succeed',
    sameAs:
      'Kiali workload health (error-rate tolerances, not a coded validation)',
  },
  certificateExpiry: {
    id: 'MESH-COM-014',
    severity: 'fail',
    title: 'No certificate expires soon',
    sameAs: 'linkerd check "issuer cert is valid for at least 60 days"',
  },
  issuerChain: {
    id: 'MESH-COM-015',
    severity: 'fail',
    title: 'The issuer is signed by the trust anchor',
    sameAs: 'linkerd check "issuer cert is issued by the trust anchor"',
  },
  strictReadiness: {
    id: 'MESH-COM-016',
    severity: 'warn',
    title: 'PERMISSIVE workloads are ready for STRICT',
  },
});
