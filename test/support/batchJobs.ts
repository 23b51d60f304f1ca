/**
 * A component for the demo's cloud/jobs namespace, which examples/entities.yaml
 * leaves without one: the onboarding tests onboard jobs, scoped to it.
 */
export const BATCH_JOBS = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'batch-jobs',
    annotations: {
      'backstage.io/kubernetes-id': 'batch-jobs',
      'backstage.io/kubernetes-namespace': 'jobs',
      'backstage.io/kubernetes-cluster': 'cloud',
    },
  },
};
