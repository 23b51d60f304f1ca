import { WarningPanel } from '@backstage/core-components';
import { UpstreamError } from '@meshlens/plugin-mesh-common';

export const SOURCE_NAMES: Record<UpstreamError['source'], string> = {
  prometheus: 'Prometheus',
  kubernetes: 'Kubernetes API',
};

const CONSEQUENCE: Record<UpstreamError['source'], string> = {
  prometheus:
    'Metrics, edges and workload certificate expiry may be missing below; what Kubernetes knows is still shown.',
  kubernetes:
    'Workloads, policies and certificates may be missing below; metrics are still shown.',
};

/** What failed upstream, named, so a partial page never passes for a complete one. */
export function UpstreamErrors(props: {
  errors: UpstreamError[];
  cluster: string;
}) {
  return (
    <>
      {props.errors.map((error, i) => (
        <WarningPanel
          key={`${error.source}-${i}`}
          severity="warning"
          title={`${SOURCE_NAMES[error.source] ?? error.source} unreachable: ${
            error.message
          }`}
          message={`Cluster ${props.cluster}. ${
            CONSEQUENCE[error.source] ?? ''
          }`}
        />
      ))}
    </>
  );
}
