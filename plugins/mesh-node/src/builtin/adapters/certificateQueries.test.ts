import { MeshControlPlaneState } from '../../adapters';
import { IstioAdapter } from './istio';
import { LinkerdAdapter } from './linkerd';

const controlPlane = (namespace: string): MeshControlPlaneState => ({
  namespace,
  version: null,
  healthy: true,
  problems: [],
  details: {},
});

const metricQueries = (
  adapter: LinkerdAdapter | IstioAdapter,
  namespace: string,
) =>
  adapter
    .certificateSources(controlPlane(namespace))
    .filter(s => s.kind === 'Metric')
    .map(s => s.query!);

const HOSTILE = 'shop"} or vector(1) or {a="';

describe('certificate-expiry PromQL', () => {
  describe('Linkerd', () => {
    const linkerd = new LinkerdAdapter();

    it('reads proxy certificates from linkerd-viz’s proxy job only', () => {
      expect(
        linkerd.workloadCertificateQuery({
          namespaces: ['shop', 'pay'],
          window: '5m',
        }),
      ).toBe(
        'min({__name__=~"(control_)?identity_cert_expiration_timestamp_seconds",job="linkerd-proxy",namespace=~"shop|pay"}) by (namespace, pod)',
      );
    });

    it('reads the issuer TTL from linkerd-identity’s pods in the control-plane namespace', () => {
      expect(metricQueries(linkerd, 'linkerd')).toEqual([
        'time() + min(issuer_cert_ttl_seconds{namespace="linkerd",pod=~"linkerd-identity-.+"})',
      ]);
    });

    it('escapes namespaces, so no value can end the selector', () => {
      const q = linkerd.workloadCertificateQuery({
        namespaces: [HOSTILE],
        window: '5m',
      });
      expect(q).toContain('namespace="shop\\"} or vector(1) or {a=\\""');
      expect(metricQueries(linkerd, HOSTILE)[0]).toContain(
        'namespace="shop\\"} or vector(1) or {a=\\""',
      );
    });
  });

  describe('Istio', () => {
    const istio = new IstioAdapter();

    it('reads workload certificates from the istio-proxy container or the agent’s port only', () => {
      expect(
        istio.workloadCertificateQuery({
          namespaces: ['orders'],
          window: '5m',
        }),
      ).toBe(
        'min(istio_agent_cert_expiry_seconds{resource_name="default",container="istio-proxy",namespace="orders"} or istio_agent_cert_expiry_seconds{resource_name="default",instance=~".+:15020",namespace="orders"}) by (namespace, pod)',
      );
    });

    it('reads the CA expiry from istiod’s pods in the control-plane namespace', () => {
      expect(metricQueries(istio, 'istio-system')).toEqual([
        'min(citadel_server_root_cert_expiry_timestamp{namespace="istio-system",pod=~"istiod-.+"})',
        'min(citadel_server_cert_chain_expiry_timestamp{namespace="istio-system",pod=~"istiod-.+"})',
      ]);
    });

    it('escapes namespaces, so no value can end the selector', () => {
      const q = istio.workloadCertificateQuery({
        namespaces: [HOSTILE, 'b.c'],
        window: '5m',
      });
      // Several values: a regex alternative, its metacharacters escaped too.
      expect(q).toContain(
        String.raw`namespace=~"shop\"\\} or vector\\(1\\) or \\{a=\"|b\\.c"`,
      );
      for (const query of metricQueries(istio, HOSTILE)) {
        expect(query).toContain('namespace="shop\\"} or vector(1) or {a=\\""');
      }
    });
  });
});
