import { DataPlane, MtlsMode } from '@meshlens/plugin-mesh-common';
import {
  EntityPosture,
  isMeshUnknown,
  MeshMembership,
  readableClusters,
} from './posture';

/*
 * The text is what search engines match and what people read in the result.
 *
 * Lunr (the default engine) ORs the words of a query and drops stop words
 * such as "not", "no", "in" and "any"; "meshed", "meshes" and "mesh" all stem
 * to "mesh". So "not meshed" is in effect a search for "mesh", and only
 * documents of unmeshed entities may contain that stem: meshed entities are
 * described by their mesh's name ("runs in Linkerd"), never as "meshed".
 * Likewise "expiring", "expired" and "expires" stem to "expir", so healthy
 * certificates are described as "valid", and only permissive or unmeshed
 * entities mention plaintext.
 */

const DATA_PLANE_LABELS: Partial<Record<DataPlane, string>> = {
  sidecar: 'sidecar',
  ambient: 'ambient (ztunnel)',
  ebpf: 'eBPF',
};

// Data-plane kinds, not meshes; the mesh is named by its adapter's title.
const ENROLMENT_PHRASES: Partial<
  Record<DataPlane, (meshTitle: string) => string>
> = {
  sidecar: () => 'with the proxy',
  ambient: () => 'enrolled in ambient',
  ebpf: meshTitle => `managed by ${meshTitle}`,
};

const MTLS_PHRASES: Record<MtlsMode, string> = {
  strict: 'mTLS strict',
  permissive: 'mTLS permissive (accepts plaintext)',
  automatic: 'mTLS automatic',
  disabled: 'mTLS disabled (plaintext)',
  unknown: 'mTLS mode unknown',
};

const SOURCE_LABELS = { kubernetes: 'Kubernetes', prometheus: 'Prometheus' };

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function percent(share: number): string {
  // One decimal, without a trailing ".0": 99.2%, 100%.
  return `${Number((share * 100).toFixed(1))}%`;
}

function membershipPhrase(m: MeshMembership): string {
  const plane = DATA_PLANE_LABELS[m.dataPlane];
  // A mesh with one data plane is still named with it ("Cilium eBPF").
  const label = plane ? `${m.title} ${plane}` : m.title;
  return `${label} on ${list(m.clusters)}`;
}

function podsPhrase(posture: EntityPosture): string {
  const { pods, meshedPods, memberships } = posture;
  if (pods === 0) return 'no running pods found';
  const only = memberships.length === 1 ? memberships[0] : undefined;
  const enrolled =
    (only && ENROLMENT_PHRASES[only.dataPlane]?.(only.title)) ?? 'enrolled';
  const phrase = `${meshedPods} of ${pods} ${
    pods === 1 ? 'pod' : 'pods'
  } ${enrolled}`;
  if (meshedPods < pods) {
    return `${phrase}, ${pods - meshedPods} without (partial enrolment)`;
  }
  return phrase;
}

function unmeshedPodsPhrase(pods: number): string | undefined {
  if (pods === 0) return undefined;
  return pods === 1
    ? 'its pod has no proxy'
    : `none of ${pods} pods has a proxy`;
}

function encryptionPhrase(share: number | null): string | undefined {
  if (share === null) return undefined;
  if (share >= 1) return 'all requests encrypted';
  return `${percent(share)} of requests encrypted, ${percent(
    1 - share,
  )} plaintext`;
}

function certificatePhrase(
  cert: EntityPosture['soonestCertificate'],
): string | undefined {
  if (!cert) return undefined;
  const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
  switch (cert.status) {
    case 'ok':
      return `certificates valid for ${days(cert.daysLeft)} more`;
    case 'warning':
    case 'critical':
      return `certificate ${cert.subject} expiring in ${days(cert.daysLeft)} (${
        cert.status
      })`;
    case 'expired':
      return cert.daysLeft < 0
        ? `certificate ${cert.subject} expired ${days(-cert.daysLeft)} ago`
        : `certificate ${cert.subject} expired today`;
    default:
      return undefined;
  }
}

function errorPhrases(posture: EntityPosture): string[] {
  return posture.errors.map(
    e =>
      `status on ${e.cluster} unknown: ${SOURCE_LABELS[e.source]} ${e.message}`,
  );
}

function sentence(subject: string, parts: Array<string | undefined>): string {
  const [head, ...rest] = parts.filter((p): p is string => Boolean(p));
  return rest.length
    ? `${subject} ${head}: ${rest.join(', ')}.`
    : `${subject} ${head}.`;
}

/** "proxy cost 12% of CPU, 20% of memory", so that a search finds it. */
function proxyCostPhrase(posture: EntityPosture): string | undefined {
  const share = posture.proxyShare;
  if (!share) return undefined;
  const parts = [
    share.cpu === undefined ? undefined : `${percent(share.cpu)} of CPU`,
    share.memory === undefined
      ? undefined
      : `${percent(share.memory)} of memory`,
  ].filter((p): p is string => p !== undefined);
  return `proxy cost ${parts.join(' and ')}`;
}

/** The human-readable, searchable text of one entity's mesh posture. */
export function describePosture(name: string, posture: EntityPosture): string {
  const errors = errorPhrases(posture);

  if (posture.memberships.length > 0) {
    return sentence(name, [
      `runs in ${list(posture.memberships.map(membershipPhrase))}`,
      podsPhrase(posture),
      MTLS_PHRASES[posture.mtlsMode],
      encryptionPhrase(posture.encryptedShare),
      posture.successRate === null
        ? undefined
        : `${percent(posture.successRate)} success`,
      certificatePhrase(posture.soonestCertificate),
      proxyCostPhrase(posture),
      ...errors,
    ]);
  }

  if (isMeshUnknown(posture)) {
    return sentence(name, ['status unknown', ...errors]);
  }
  const readable = readableClusters(posture);
  return sentence(name, [
    `is not meshed (unmeshed): not in any mesh${
      readable.length ? ` on ${list(readable)}` : ''
    }`,
    unmeshedPodsPhrase(posture.pods),
    'traffic in plaintext, without mTLS',
    ...errors,
  ]);
}

/** The text of an entity whose status could not be read at all. */
export function describeUnknownStatus(name: string, reason: string): string {
  return `${name} status unknown: ${reason}.`;
}
