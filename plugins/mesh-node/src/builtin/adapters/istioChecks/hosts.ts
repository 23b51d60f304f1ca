import { KubeObject } from '../../../index';

/**
 * The Service a host of a DestinationRule or VirtualService names, if it
 * is one of the namespace's: `name`, `name.ns`, `name.ns.svc` or
 * `name.ns.svc.cluster.local`. Other hosts (external, wildcards, another
 * namespace) are not resolved.
 */
export function serviceNameOf(
  host: string | undefined,
  namespace: string,
): string | undefined {
  if (!host || host.includes('*')) return undefined;
  const m =
    /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(
      host,
    );
  if (!m) return undefined;
  return (m[2] ?? namespace) === namespace ? m[1] : undefined;
}

/** The pods a Service selects, among the namespace's. */
export function podsOfService(
  service: KubeObject,
  pods: KubeObject[],
): KubeObject[] {
  const selector: Record<string, string> | undefined = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return pods.filter(p =>
    Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
}
