import { MeshCheck, MtlsMode, checkResult } from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  MeshAssessmentContext,
  MeshWorkload,
} from '../../../index';
import { ISTIO_CHECKS } from './catalogue';
import { podsOfService, serviceNameOf } from './hosts';

export interface IstioMtlsFacts {
  hasSidecar(pod: KubeObject): boolean;
  isAmbientPod(pod: KubeObject): boolean;
  mtlsMode(workload: MeshWorkload, context: MeshAssessmentContext): MtlsMode;
}

/** MESH-IST-003: a STRICT workload that receives plaintext (those requests fail). */
export function strictPlaintextChecks(
  context: MeshAssessmentContext,
  istio: IstioMtlsFacts,
): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const w of context.workloads) {
    if (istio.mtlsMode(w, context) !== 'strict') continue;
    const traffic = context.traffic?.get(w.name);
    const plaintext = (traffic?.edges ?? []).filter(
      e =>
        e.direction === 'inbound' &&
        (e.mtls === false || e.peer.name === 'unknown'),
    );
    if (plaintext.length > 0 || (traffic?.encryptedShare ?? 1) < 1) {
      checks.push(
        checkResult(ISTIO_CHECKS.strictWithPlaintextCallers, {
          message: `${
            w.name
          } requires mTLS (STRICT) but receives plaintext requests${
            plaintext.length
              ? ` from ${plaintext
                  .map(e => `${e.peer.namespace}/${e.peer.name}`)
                  .join(', ')}`
              : ''
          }: those requests fail`,
          hint: 'Mesh the callers, or set the PeerAuthentication to PERMISSIVE until the encrypted share is 100%',
        }),
      );
    }
  }
  return checks;
}

/** The DestinationRule's TLS modes, the host-wide one and the per-port ones. */
function tlsModes(rule: KubeObject): string[] {
  const policy = rule.spec?.trafficPolicy ?? {};
  return [
    policy.tls?.mode,
    ...(policy.portLevelSettings ?? []).map((p: any) => p.tls?.mode),
  ].filter((m): m is string => typeof m === 'string');
}

/** A pod as a one-pod workload, to ask for its mTLS mode. */
const asWorkload = (pod: KubeObject, namespace: string): MeshWorkload => ({
  kind: 'Pod',
  name: pod.metadata.name,
  namespace,
  object: { ...pod, spec: { template: { metadata: pod.metadata } } },
  pods: [pod],
});

/**
 * MESH-IST-004 and MESH-IST-005: the namespace's DestinationRules against
 * the pods of the host they name. ISTIO_MUTUAL needs an Istio proxy on the
 * other side; DISABLE towards a STRICT sidecar is refused.
 */
export function destinationRuleTlsChecks(
  context: MeshAssessmentContext,
  istio: IstioMtlsFacts,
): MeshCheck[] {
  const checks: MeshCheck[] = [];
  const ns = context.namespaceName;
  const services = context.resources.Service ?? [];
  for (const rule of context.policies.DestinationRule ?? []) {
    const name = serviceNameOf(rule.spec?.host, ns);
    const service = services.find(s => s.metadata.name === name);
    if (!service) continue;
    const pods = podsOfService(service, context.pods);
    if (pods.length === 0) continue;
    const modes = tlsModes(rule);
    const proxied = pods.filter(
      p => istio.hasSidecar(p) || istio.isAmbientPod(p),
    );
    if (modes.includes('ISTIO_MUTUAL') && proxied.length === 0) {
      checks.push(
        checkResult(ISTIO_CHECKS.mutualTlsToNoSidecar, {
          message: `DestinationRule ${ns}/${
            rule.metadata.name
          } sends ISTIO_MUTUAL to ${rule.spec.host}, whose pods (${pods
            .slice(0, 3)
            .map(p => p.metadata.name)
            .join(
              ', ',
            )}) have no Istio proxy: the TLS handshake fails and callers see 503s`,
          hint: `Mesh the pods of Service ${name}, or set spec.trafficPolicy.tls.mode: DISABLE in DestinationRule ${rule.metadata.name} (kubectl edit destinationrule ${rule.metadata.name} -n ${ns})`,
        }),
      );
    }
    const strict = pods.filter(
      p =>
        istio.hasSidecar(p) &&
        istio.mtlsMode(asWorkload(p, ns), context) === 'strict',
    );
    if (modes.includes('DISABLE') && strict.length > 0) {
      checks.push(
        checkResult(ISTIO_CHECKS.disableTowardsStrict, {
          message: `DestinationRule ${ns}/${rule.metadata.name} disables TLS towards ${rule.spec.host}, whose pods require mTLS (STRICT): their sidecars refuse those plaintext requests`,
          hint: `Set spec.trafficPolicy.tls.mode: ISTIO_MUTUAL (or remove the tls block) in DestinationRule ${rule.metadata.name}: kubectl edit destinationrule ${rule.metadata.name} -n ${ns}`,
        }),
      );
    }
  }
  return checks;
}
