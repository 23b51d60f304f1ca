import { defineChecks } from '@meshlens/plugin-mesh-common';

/** Linkerd's checks; pages in docs/checks/<id>.md. */
export const LINKERD_CHECKS = defineChecks({
  injectionLabel: {
    id: 'MESH-LNK-001',
    severity: 'fail',
    title: 'Injection is switched by the annotation, not a label',
  },
  injectValue: {
    id: 'MESH-LNK-002',
    severity: 'fail',
    title: 'The inject annotation has a valid value',
  },
  trustRoot: {
    id: 'MESH-LNK-003',
    severity: 'fail',
    title: 'Proxies trust the current trust anchor',
    sameAs: 'linkerd check --proxy "data plane proxies certificate match CA"',
  },
  serverWithoutAuthorization: {
    id: 'MESH-LNK-004',
    severity: 'fail',
    title: 'Every Server is authorized',
  },
  defaultDenyBlocksScraping: {
    id: 'MESH-LNK-005',
    severity: 'warn',
    title:
      'A default-deny policy leaves Prometheus a way to scrape the proxies',
  },
  initBeforeProxy: {
    id: 'MESH-LNK-006',
    severity: 'warn',
    title: 'Init containers do not need the network before the proxy',
  },
  webhookExcluded: {
    id: 'MESH-LNK-007',
    severity: 'fail',
    title: "The proxy injector's webhook sees the namespace",
  },
  serverSpeaksFirst: {
    id: 'MESH-LNK-008',
    severity: 'warn',
    title: 'Server-speaks-first ports are opaque',
  },
});
