import {
  ClusterMeshStatus,
  MeshCheck,
  checkResult,
  successRateGrade,
} from '@meshlens/plugin-mesh-common';
import { COMMON_CHECKS } from './catalogue';

/** MESH-COM-013: workloads whose success rate is graded warning or critical. */
export function successRateChecks(status: ClusterMeshStatus): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const w of status.workloads) {
    const grade = successRateGrade(w.metrics?.successRate);
    if (grade === 'critical' || grade === 'warning') {
      checks.push(
        checkResult(COMMON_CHECKS.successRate, {
          status: grade === 'critical' ? 'fail' : 'warn',
          message: `${w.name} answers ${
            Math.round((w.metrics!.successRate ?? 0) * 10000) / 100
          }% of requests successfully`,
          hint: 'Look at the failing responses by route and caller in the mesh dashboard, and at the workload logs',
        }),
      );
    }
  }
  return checks;
}
