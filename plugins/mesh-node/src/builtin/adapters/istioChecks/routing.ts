import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import { ISTIO_CHECKS } from './catalogue';
import { serviceNameOf } from './hosts';

/** Every route destination of a VirtualService (http, tcp and tls routes). */
function destinations(
  vs: KubeObject,
): Array<{ host?: string; subset?: string }> {
  const spec = vs.spec ?? {};
  return [...(spec.http ?? []), ...(spec.tcp ?? []), ...(spec.tls ?? [])]
    .flatMap((r: any) => r.route ?? [])
    .map((r: any) => r.destination ?? {});
}

/**
 * MESH-IST-009: destinations of the namespace's VirtualServices that name a
 * Service of the namespace that does not exist, or a subset no
 * DestinationRule of the namespace defines. Hosts outside the namespace
 * are not judged (their objects are not read).
 */
export function virtualServiceChecks(
  context: MeshAssessmentContext,
): MeshCheck[] {
  const ns = context.namespaceName;
  const services = new Set(
    (context.resources.Service ?? []).map(s => s.metadata.name),
  );
  const rules = context.policies.DestinationRule ?? [];
  const subsetsOf = (service: string) =>
    new Set(
      rules
        .filter(r => serviceNameOf(r.spec?.host, ns) === service)
        .flatMap(r => (r.spec?.subsets ?? []).map((s: any) => s.name)),
    );
  const problems: string[] = [];
  for (const vs of context.policies.VirtualService ?? []) {
    for (const d of destinations(vs)) {
      const service = serviceNameOf(d.host, ns);
      if (!service) continue;
      if (!services.has(service)) {
        problems.push(
          `VirtualService ${ns}/${vs.metadata.name} routes to ${d.host}, but no Service ${service} exists in ${ns}`,
        );
      } else if (d.subset && !subsetsOf(service).has(d.subset)) {
        problems.push(
          `VirtualService ${ns}/${vs.metadata.name} routes to subset ${d.subset} of ${d.host}, which no DestinationRule in ${ns} defines`,
        );
      }
    }
  }
  if (problems.length === 0) return [];
  return [
    checkResult(ISTIO_CHECKS.virtualServiceReference, {
      message: `${[...new Set(problems)].join(
        '; ',
      )}: requests on those routes get 503 (no healthy upstream)`,
      hint: 'Fix the destination host, or add the subset to the DestinationRule of that host:\nspec:\n  subsets:\n    - name: <subset>\n      labels: { version: <version> }',
    }),
  ];
}
