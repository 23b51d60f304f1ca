import { defineChecks } from '@meshlens/plugin-mesh-common';

/** Cilium's checks; pages in docs/checks/<id>.md. */
export const CILIUM_CHECKS = defineChecks({
  l7Visibility: {
    id: 'MESH-CIL-001',
    severity: 'warn',
    title: 'Workloads have L7 visibility, hence HTTP metrics',
  },
  proxyVisibilityAnnotation: {
    id: 'MESH-CIL-002',
    severity: 'warn',
    title: 'No reliance on the removed proxy-visibility annotation',
  },
  encryptionOff: {
    id: 'MESH-CIL-003',
    severity: 'warn',
    title: 'Transparent encryption (WireGuard or IPsec) is on',
    sameAs: 'cilium status (Encryption line)',
  },
  hubbleMetricsOff: {
    id: 'MESH-CIL-004',
    severity: 'fail',
    title: 'Hubble and its HTTP metrics are on',
    sameAs: 'cilium status (Hubble Relay); cilium hubble enable',
  },
  mutualAuthOff: {
    id: 'MESH-CIL-005',
    severity: 'warn',
    title: 'Mutual authentication is on where policies require it',
  },
});
