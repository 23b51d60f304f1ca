import {
  ClusterMeshStatus,
  MeshCheck,
  successRateGrade,
} from '@meshlens/plugin-mesh-common';

/** `traffic.success-rate`: workloads whose success rate is graded warning or critical. */
export function successRateChecks(status: ClusterMeshStatus): MeshCheck[] {
  const checks: MeshCheck[] = [];
  for (const w of status.workloads) {
    const grade = successRateGrade(w.metrics?.successRate);
    if (grade === 'critical' || grade === 'warning') {
      checks.push({
        id: 'traffic.success-rate',
        status: grade === 'critical' ? 'fail' : 'warn',
        message: `${w.name} answers ${
          Math.round((w.metrics!.successRate ?? 0) * 10000) / 100
        }% of requests successfully`,
        hint: 'Look at the failing responses by route and caller in the mesh dashboard, and at the workload logs',
      });
    }
  }
  return checks;
}
