import { describeError } from '../lib/errors';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ClusterMeshStatus,
  EntityMeshTimeseries,
} from '@meshlens/plugin-mesh-common';
import { mergeEdges } from '../lib/edges';
import { isClusterMeshed } from '../lib/meshed';
import { CertificatesTable } from './CertificatesTable';
import { ChecksList } from './ChecksList';
import { ClusterHeader } from './ClusterHeader';
import { EdgesTable } from './EdgesTable';
import { NotMeshed } from './NotMeshed';
import { OneHopGraph } from './OneHopGraph';
import { PoliciesList } from './PoliciesList';
import { TrafficChart } from './TrafficChart';
import { SOURCE_NAMES, UpstreamErrors } from './UpstreamErrors';
import { WorkloadsTable } from './WorkloadsTable';

export interface TimeseriesState {
  value?: EntityMeshTimeseries;
  error?: Error;
  loading: boolean;
}

function ChartContent(props: {
  cluster: ClusterMeshStatus;
  timeseries: TimeseriesState;
}) {
  const { cluster, timeseries } = props;
  if (timeseries.error && !timeseries.value) {
    return (
      <Typography variant="body2" color="error">
        The last hour could not be loaded: {describeError(timeseries.error)}
      </Typography>
    );
  }
  if (!timeseries.value) {
    return (
      <Typography variant="body2" color="textSecondary">
        Loading the last hour…
      </Typography>
    );
  }
  const series = timeseries.value.series
    .filter(
      s => s.cluster === cluster.cluster && s.namespace === cluster.namespace,
    )
    .map(s => ({ name: s.workload, points: s.points }));
  const errors = timeseries.value.errors.filter(
    e => e.cluster === cluster.cluster,
  );
  return (
    <>
      {errors.map((e, i) => (
        <Typography key={i} variant="body2" color="error" paragraph>
          {SOURCE_NAMES[e.source] ?? e.source} unreachable: {e.message}
        </Typography>
      ))}
      <TrafficChart series={series} />
    </>
  );
}

/** Everything Meshlens knows about the entity in one cluster. */
export function ClusterSection(props: {
  entityRef: CompoundEntityRef;
  cluster: ClusterMeshStatus;
  timeseries: TimeseriesState;
}) {
  const { cluster, entityRef } = props;
  const where = `${cluster.cluster}/${cluster.namespace}`;
  const edges = mergeEdges(cluster.workloads);
  return (
    <section aria-label={`Mesh status in ${where}`}>
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <ClusterHeader cluster={cluster} />
        </Grid>
        {cluster.errors.length > 0 && (
          <Grid item xs={12}>
            <UpstreamErrors errors={cluster.errors} cluster={cluster.cluster} />
          </Grid>
        )}
        {!isClusterMeshed(cluster) ? (
          <Grid item xs={12}>
            <NotMeshed entityRef={entityRef} clusters={[cluster]} />
          </Grid>
        ) : (
          <>
            <Grid item xs={12}>
              <InfoCard title="Workloads" noPadding>
                <WorkloadsTable
                  workloads={cluster.workloads}
                  label={`Workloads in ${where}`}
                />
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard
                title="Traffic"
                subheader="Callers and callees in the window"
              >
                <OneHopGraph service={entityRef.name} edges={edges} />
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard title="Edges" noPadding>
                <EdgesTable
                  edges={edges}
                  label={`Edges of ${entityRef.name} in ${where}`}
                />
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard title="Last hour">
                <ChartContent cluster={cluster} timeseries={props.timeseries} />
              </InfoCard>
            </Grid>
            <Grid item xs={12} lg={7}>
              <InfoCard title="Certificates" noPadding>
                <CertificatesTable
                  certificates={cluster.certificates}
                  label={`Certificates of the mesh in ${cluster.cluster}`}
                />
              </InfoCard>
            </Grid>
            <Grid item xs={12} lg={5}>
              <InfoCard title="Checks">
                <ChecksList
                  checks={cluster.checks}
                  label={`Checks in ${where}`}
                />
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard title="Policies">
                <PoliciesList
                  policies={cluster.policies}
                  label={`Mesh policies in ${where}`}
                />
              </InfoCard>
            </Grid>
          </>
        )}
      </Grid>
    </section>
  );
}
