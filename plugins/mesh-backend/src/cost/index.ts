/*
 * The mesh tax (issue 15): pure functions from cAdvisor samples and pod
 * specs to the cost types of @meshlens/plugin-mesh-common. No Kubernetes
 * or Prometheus access here; see README.md for the wiring.
 */
export * from './apportion';
export * from './quantity';
export * from './queries';
export * from './totals';
export * from './usage';
export * from './whatIf';
export * from './whatIfBasis';
export * from './workloadCost';
