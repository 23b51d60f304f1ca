/**
 * Certificate-expiry series as a Prometheus holds them: the meshes' proxies
 * and control planes, scraped the way the meshes' own scrape configs do,
 * beside application pods that export the same metric names (any pod
 * scraped by annotation can). Only the proxies' and control planes' values
 * may reach Meshlens.
 */
import { label } from './goldenMetrics';

const DAY = 86_400;

interface Gauge {
  name: string;
  labels: Record<string, string>;
  /** The value at `end`, from `end`. */
  value: (end: number) => number;
}

/** What Meshlens must read, relative to `end`. */
export const CERTIFICATE_EXPECTATIONS = {
  linkerdProxy: { namespace: 'shop', pod: 'web-1', expiresIn: 20 * 3600 },
  linkerdLegacyProxy: {
    namespace: 'shop',
    pod: 'cart-1',
    expiresIn: 22 * 3600,
  },
  /** Exported by the sidecar container (Prometheus Operator labels it). */
  istioSidecar: { namespace: 'orders', pod: 'orders-1', expiresIn: 18 * 3600 },
  /** Scraped on the agent's port by the annotation job (no container label). */
  istioAnnotated: {
    namespace: 'orders',
    pod: 'orders-2',
    expiresIn: 19 * 3600,
  },
  istiodRoot: { namespace: 'istio-system', expiresIn: 3000 * DAY },
  linkerdIssuer: { namespace: 'linkerd', expiresIn: 300 * DAY },
};

/** Pods that exported the certificate metric names themselves. */
export const SPOOFING_PODS = ['shop/spoofer-1', 'orders/spoofer-1'];

function gauges(): Gauge[] {
  const x = CERTIFICATE_EXPECTATIONS;
  const at = (seconds: number) => (end: number) => end + seconds;
  const left = (seconds: number) => () => seconds;
  return [
    // Linkerd proxies, as linkerd-viz's linkerd-proxy job labels them.
    {
      name: 'control_identity_cert_expiration_timestamp_seconds',
      labels: {
        job: 'linkerd-proxy',
        namespace: x.linkerdProxy.namespace,
        pod: x.linkerdProxy.pod,
        container: 'linkerd-proxy',
      },
      value: at(x.linkerdProxy.expiresIn),
    },
    {
      name: 'identity_cert_expiration_timestamp_seconds',
      labels: {
        job: 'linkerd-proxy',
        namespace: x.linkerdLegacyProxy.namespace,
        pod: x.linkerdLegacyProxy.pod,
      },
      value: at(x.linkerdLegacyProxy.expiresIn),
    },
    // An application pod in a meshed namespace, scraped by annotation:
    // one poisoned value, one that would be the soonest.
    {
      name: 'identity_cert_expiration_timestamp_seconds',
      labels: {
        job: 'kubernetes-pods',
        instance: '10.0.0.9:8080',
        namespace: 'shop',
        pod: 'spoofer-1',
      },
      value: () => -1e16,
    },
    {
      name: 'control_identity_cert_expiration_timestamp_seconds',
      labels: {
        job: 'kubernetes-pods',
        instance: '10.0.0.9:8080',
        namespace: 'shop',
        pod: 'web-1',
      },
      value: at(60),
    },
    // Istio sidecars, under either scrape config.
    {
      name: 'istio_agent_cert_expiry_seconds',
      labels: {
        job: 'istio-proxies',
        resource_name: 'default',
        instance: '10.0.1.1:15020',
        namespace: x.istioSidecar.namespace,
        pod: x.istioSidecar.pod,
        container: 'istio-proxy',
      },
      value: left(x.istioSidecar.expiresIn),
    },
    {
      name: 'istio_agent_cert_expiry_seconds',
      labels: {
        job: 'kubernetes-pods',
        resource_name: 'default',
        instance: '10.0.1.2:15020',
        namespace: x.istioAnnotated.namespace,
        pod: x.istioAnnotated.pod,
      },
      value: left(x.istioAnnotated.expiresIn),
    },
    // Application pods exporting the agent's name on their own port.
    {
      name: 'istio_agent_cert_expiry_seconds',
      labels: {
        job: 'kubernetes-pods',
        resource_name: 'default',
        instance: '10.0.1.9:9090',
        namespace: 'orders',
        pod: 'spoofer-1',
      },
      value: left(-5e15),
    },
    {
      name: 'istio_agent_cert_expiry_seconds',
      labels: {
        job: 'kubernetes-pods',
        resource_name: 'default',
        instance: '10.0.1.9:9090',
        namespace: 'orders',
        pod: 'orders-1',
        container: 'app',
      },
      value: left(30),
    },
    // istiod, and a pod elsewhere claiming to be it.
    {
      name: 'citadel_server_root_cert_expiry_timestamp',
      labels: {
        job: 'kubernetes-pods',
        namespace: x.istiodRoot.namespace,
        pod: 'istiod-5d8f9c7b6-abcde',
      },
      value: at(x.istiodRoot.expiresIn),
    },
    {
      name: 'citadel_server_root_cert_expiry_timestamp',
      labels: { job: 'kubernetes-pods', namespace: 'orders', pod: 'istiod-1' },
      value: at(DAY),
    },
    // linkerd-identity, and an application pod with the same gauge.
    {
      name: 'issuer_cert_ttl_seconds',
      labels: {
        job: 'linkerd-controller',
        namespace: x.linkerdIssuer.namespace,
        pod: 'linkerd-identity-6c9b8d7f5-xyz12',
      },
      value: left(x.linkerdIssuer.expiresIn),
    },
    {
      name: 'issuer_cert_ttl_seconds',
      labels: { job: 'kubernetes-pods', namespace: 'shop', pod: 'spoofer-1' },
      value: left(60),
    },
  ];
}

/** The series as OpenMetrics text (no `# EOF`), one sample a minute up to `end`. */
export function certificateOpenMetrics(end: number): string {
  const byName = new Map<string, Gauge[]>();
  for (const g of gauges()) {
    byName.set(g.name, [...(byName.get(g.name) ?? []), g]);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const g of list) {
      for (let t = end - 240; t <= end; t += 60) {
        lines.push(`${name}${label(g.labels)} ${g.value(end)} ${t}`);
      }
    }
  }
  return lines.join('\n');
}
