import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { MeshCheck, WorkloadStatus } from '@meshlens/plugin-mesh-common';
import {
  KubernetesClusterClient,
  MeshStatusService,
  WORKLOAD_RESOURCES,
} from '@meshlens/plugin-mesh-node';
import { ControlPlaneReading } from './controlPlane';
import { OnboardingMesh } from './meshes';
import { OnboardingRequest } from './types';

const ID = 'strict-mtls-callers';
const OVERRIDE_HINT =
  'Onboard the callers first and keep PERMISSIVE, or pass allowStrictWithoutTraffic: true to take STRICT on trust (the ADR records it).';

const check = (
  status: MeshCheck['status'],
  message: string,
  hint = '',
): MeshCheck => ({ id: ID, status, message, hint });

/** Whether the window says anything about a workload's callers. */
const measured = (w: WorkloadStatus) =>
  w.metrics !== null ||
  w.mtls.encryptedShare !== null ||
  w.edges.some(e => e.direction === 'inbound');

/**
 * PeerAuthentication (and its kin) is namespace-wide, so STRICT is judged
 * for every workload of the namespace: each must have traffic data for the
 * window, and no caller of any may send plaintext. Plaintext seen always
 * refuses; missing data refuses unless `allowStrictWithoutTraffic` says to
 * proceed, which the check reports so the ADR can record it.
 */
export async function strictMtlsCheck(options: {
  api: KubernetesClusterClient;
  mesh: OnboardingMesh;
  request: OnboardingRequest;
  controlPlane: ControlPlaneReading;
  meshStatus?: MeshStatusService;
  credentials: BackstageCredentials;
}): Promise<MeshCheck> {
  const { request, meshStatus } = options;
  if (request.mtlsMode !== 'strict') {
    return check('pass', 'PERMISSIVE mTLS accepts callers without a proxy.');
  }
  const state = options.controlPlane.state;
  const blocker =
    state && options.mesh.adapter.onboarding.strictMtlsBlocker(state);
  if (blocker) return check('fail', blocker.message, blocker.hint);

  const lists = await Promise.all(
    WORKLOAD_RESOURCES.map(t =>
      options.api.list(t, { namespace: request.namespace }),
    ),
  );
  const inNamespace = lists
    .flat()
    .map(o => `${o.kind ?? ''}/${o.metadata.name}`)
    .sort();

  const known = new Map<string, WorkloadStatus>();
  const errors: string[] = [];
  let why = '';
  if (!request.entityRef) {
    why = 'no entityRef was given';
  } else if (!meshStatus) {
    why = 'the Meshlens status service is not available';
  } else {
    const status = await meshStatus.getEntityStatus(request.entityRef, {
      credentials: options.credentials,
    });
    for (const c of status.clusters) {
      if (c.cluster !== request.cluster || c.namespace !== request.namespace) {
        continue;
      }
      c.workloads.forEach(w => known.set(`${w.kind}/${w.name}`, w));
      errors.push(...c.errors.map(e => e.message));
    }
  }

  const plaintext = new Set<string>();
  const partial: string[] = [];
  for (const w of known.values()) {
    for (const edge of w.edges) {
      if (edge.direction === 'inbound' && edge.mtls === false) {
        plaintext.add(`${edge.peer.namespace}/${edge.peer.name} → ${w.name}`);
      }
    }
    if (w.mtls.encryptedShare !== null && w.mtls.encryptedShare < 1) {
      partial.push(
        `${w.name} (${
          Math.round(w.mtls.encryptedShare * 1000) / 10
        }% encrypted)`,
      );
    }
  }
  if (plaintext.size > 0 || partial.length > 0) {
    const who = [
      ...(plaintext.size > 0
        ? [`callers without mTLS: ${[...plaintext].join(', ')}`]
        : []),
      ...(partial.length > 0
        ? [`inbound traffic not fully encrypted: ${partial.join(', ')}`]
        : []),
    ];
    return check(
      'fail',
      `mtlsMode: STRICT would refuse traffic that is sent today without a proxy (${who.join(
        '; ',
      )})`,
      'Onboard the callers first and keep PERMISSIVE; switch to STRICT once the encrypted share is 100%.',
    );
  }

  if (inNamespace.length === 0) {
    return check(
      'pass',
      `${request.namespace} runs no workloads yet, so STRICT refuses no caller today.`,
    );
  }
  const blind = inNamespace.filter(key => {
    const w = known.get(key);
    return !w || !measured(w);
  });
  if (blind.length === 0) {
    return check(
      'pass',
      `Every caller of every workload in ${request.namespace} (${inNamespace.length}) used mTLS in the window; STRICT is safe.`,
    );
  }
  const reason = [why, `no traffic data for ${blind.join(', ')}`, ...errors]
    .filter(Boolean)
    .join('; ');
  if (request.allowStrictWithoutTraffic) {
    return check(
      'warn',
      `STRICT without traffic data (${reason}): allowed by allowStrictWithoutTraffic.`,
      'Nothing proves every caller of the namespace has a proxy; watch the Mesh tab for refused connections.',
    );
  }
  return check(
    'fail',
    `mtlsMode: STRICT is namespace-wide and cannot be judged: ${reason}`,
    OVERRIDE_HINT,
  );
}
