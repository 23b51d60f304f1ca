import { MeshCheck, checkResult, countOf } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import { LINKERD_CHECKS } from './catalogue';

/** MESH-LNK-003: proxies injected with another trust anchor than the current bundle. */
export function trustRootChecks(
  context: MeshAssessmentContext,
  isPodMeshed: (pod: KubeObject) => boolean,
): MeshCheck[] {
  const ns = context.namespaceName;
  const anchorHash = context.controlPlane.details.trustRootSha256 as
    | string
    | null;
  const meshed = context.workloads.some(w => w.pods.some(isPodMeshed));
  if (!anchorHash || !meshed) return [];
  const stale = context.workloads.flatMap(w =>
    w.pods
      .filter(p => {
        const h = p.metadata.annotations?.['linkerd.io/trust-root-sha256'];
        return h && h !== anchorHash;
      })
      .map(p => ({ w, p })),
  );
  if (stale.length === 0) {
    return [
      checkResult(LINKERD_CHECKS.trustRoot, {
        status: 'pass',
        message: 'Every proxy trusts the current trust anchor',
      }),
    ];
  }
  return [
    checkResult(LINKERD_CHECKS.trustRoot, {
      message: `${countOf(stale.length, 'pod')} ${
        stale.length === 1 ? 'was' : 'were'
      } injected with an older trust anchor (${stale
        .slice(0, 3)
        .map(s => s.p.metadata.name)
        .join(', ')})`,
      hint: `Restart them after the trust-anchor rotation: ${[
        ...new Set(
          stale.map(
            s =>
              `kubectl rollout restart ${s.w.kind.toLowerCase()}/${
                s.w.name
              } -n ${ns}`,
          ),
        ),
      ].join('; ')}`,
    }),
  ];
}
