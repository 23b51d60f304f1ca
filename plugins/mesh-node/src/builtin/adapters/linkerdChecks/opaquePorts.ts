import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { MeshAssessmentContext, MeshWorkload } from '../../../index';
import { LINKERD_CHECKS } from './catalogue';

const OPAQUE_PORTS = 'config.linkerd.io/opaque-ports';
const SKIP_INBOUND = 'config.linkerd.io/skip-inbound-ports';
/**
 * Protocols whose server talks first, which protocol detection waits on
 * until it times out (Linkerd's docs); all are in Linkerd's default
 * opaque-ports list, so only a list set by hand can leave them out.
 */
const SERVER_SPEAKS_FIRST: Record<number, string> = {
  25: 'SMTP',
  587: 'SMTP',
  3306: 'MySQL',
  4444: 'Galera',
  11211: 'Memcached',
};

/** The ports of a Linkerd port list (`25,3306`, ranges `4000-4100`). */
function inList(list: string, port: number): boolean {
  return list.split(',').some(part => {
    const [from, to] = part.trim().split('-').map(Number);
    return to === undefined ? from === port : port >= from && port <= to;
  });
}

function containerPorts(w: MeshWorkload): number[] {
  const spec = w.pods[0]?.spec ?? w.object.spec?.template?.spec ?? {};
  return [...(spec.containers ?? [])].flatMap((c: any) =>
    (c.ports ?? []).map((p: any) => Number(p.containerPort)),
  );
}

/**
 * MESH-LNK-008: an opaque-ports list set on the pod template or the
 * namespace replaces the default one; a server-speaks-first port left out
 * of it hangs for the detection timeout on every connection.
 */
export function opaquePortChecks(context: MeshAssessmentContext): MeshCheck[] {
  const ns = context.namespaceName;
  const findings: string[] = [];
  for (const w of context.workloads) {
    const template = w.object.spec?.template?.metadata?.annotations ?? {};
    const nsAnnotations = context.namespace?.metadata.annotations ?? {};
    const list = template[OPAQUE_PORTS] ?? nsAnnotations[OPAQUE_PORTS];
    if (list === undefined) continue;
    const skipped = template[SKIP_INBOUND] ?? nsAnnotations[SKIP_INBOUND] ?? '';
    for (const port of containerPorts(w)) {
      const protocol = SERVER_SPEAKS_FIRST[port];
      if (protocol && !inList(list, port) && !inList(skipped, port)) {
        findings.push(`${w.name} port ${port} (${protocol})`);
      }
    }
  }
  if (findings.length === 0) return [];
  return [
    checkResult(LINKERD_CHECKS.serverSpeaksFirst, {
      message: `${findings.join(
        ', ',
      )}: the server speaks first, but ${OPAQUE_PORTS} is set without it, so protocol detection waits on every connection until it times out`,
      hint: `Add the port to ${OPAQUE_PORTS} (e.g. kubectl annotate namespace ${ns} --overwrite ${OPAQUE_PORTS}=25,587,3306,4444,5432,6379,9300,11211, then restart the workloads), or remove the annotation to get Linkerd's default list`,
    }),
  ];
}
