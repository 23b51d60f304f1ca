import {
  ClusterMeshStatus,
  MeshCheck,
  sortChecksBySeverity,
} from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshAssessmentContext,
  MeshControlPlaneState,
  MeshWorkload,
} from '@meshlens/plugin-mesh-node';
import { IssuerVerification } from '../../clients/CertificateReader';
import { LabelSelector } from '@meshlens/plugin-mesh-node';
import { certificateExpiryChecks, issuerChainChecks } from './certificates';
import { controlPlaneCheck } from './controlPlane';
import {
  UnmeshedNamespace,
  mistakesOutsideMesh,
  notMeshedCheck,
} from './enrolment';
import { restartNeededChecks, versionSkewChecks } from './injection';
import { mtlsModeChecks, plaintextChecks } from './mtls';
import { noWorkloadsCheck as noWorkloadsCheckOf } from './kubernetes';
import { successRateChecks } from './traffic';
import { strictReadinessChecks } from './strictReadiness';

export {
  invalidAnnotationCheck,
  missingAnnotationsCheck,
  noWorkloadsCheck,
  unknownClusterCheck,
  unreachableCheck,
} from './kubernetes';
export type { UnmeshedNamespace } from './enrolment';
export { COMMON_CHECKS } from './catalogue';

/**
 * The checks every mesh shares, computed from the assembled status. Each
 * names what to do, not only what is wrong.
 */
export function commonChecks(input: {
  status: ClusterMeshStatus;
  workloads: MeshWorkload[];
  enrolled: boolean;
  controlPlane?: MeshControlPlaneState;
  issuers: IssuerVerification[];
  /** The mesh's way to enrol a namespace, for the hint to mesh an ingress. */
  enrollHint?: (namespace: string) => string;
}): MeshCheck[] {
  const { status, controlPlane } = input;
  return [
    ...(controlPlane ? [controlPlaneCheck(status.mesh, controlPlane)] : []),
    ...restartNeededChecks(status, input.enrolled),
    ...versionSkewChecks(status),
    ...mtlsModeChecks(status),
    ...plaintextChecks(status, input.enrollHint),
    ...strictReadinessChecks(status),
    ...successRateChecks(status),
    ...certificateExpiryChecks(status.certificates),
    ...issuerChainChecks(input.issuers),
  ];
}

export interface StatusCheckInput {
  status: ClusterMeshStatus;
  workloads: MeshWorkload[];
  /** The mesh that runs the namespace, with what its adapter assesses. */
  mesh?: {
    adapter: MeshAdapter;
    assessment: MeshAssessmentContext;
    controlPlane: MeshControlPlaneState;
    enrolled: boolean;
  };
  issuers: IssuerVerification[];
  /** A namespace that was read and that no mesh runs. */
  unmeshed?: Omit<UnmeshedNamespace, 'workloads'>;
  /** Where the entity's workloads were looked for, to say so when none is found. */
  target?: { selector: LabelSelector; cluster?: string; namespace?: string };
}

/**
 * Every check of one cluster and namespace of an entity, in the order the
 * API returns them: what to fix first (no workloads, not enrolled, a
 * mistake outside any mesh), then the shared and the adapter's checks by
 * severity.
 */
export function statusChecks(input: StatusCheckInput): MeshCheck[] {
  const { mesh } = input;
  const assessed: MeshCheck[] = commonChecks({
    status: input.status,
    workloads: input.workloads,
    enrolled: mesh?.enrolled ?? false,
    controlPlane: mesh?.controlPlane,
    issuers: input.issuers,
    enrollHint: mesh ? ns => mesh.adapter.enrollHint(ns) : undefined,
  });
  if (mesh) assessed.push(...mesh.adapter.checks(mesh.assessment));
  const first: MeshCheck[] = [];
  if (input.target && input.workloads.length === 0) {
    first.push(noWorkloadsCheckOf(input.target, input.status.namespace));
  }
  if (!mesh && input.unmeshed) {
    const unmeshed = { ...input.unmeshed, workloads: input.workloads };
    first.push(notMeshedCheck(unmeshed), ...mistakesOutsideMesh(unmeshed));
  }
  return [...first, ...sortChecksBySeverity(assessed)];
}
