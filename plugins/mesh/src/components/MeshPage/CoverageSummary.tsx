import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import { MeshName, OverviewTotals } from '@meshlens/plugin-mesh-common';
import { formatPercent, meshLabel } from '../../lib/format';

function Share(props: {
  title: string;
  part: number;
  whole: number;
  what: string;
}) {
  const share = props.whole === 0 ? 0 : props.part / props.whole;
  const text = `${props.part} of ${props.whole} ${props.what}`;
  return (
    <InfoCard title={props.title}>
      <Typography variant="h3" component="p">
        {formatPercent(share, 0)}
      </Typography>
      <Typography variant="body2" color="textSecondary" paragraph>
        {text}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={share * 100}
        aria-label={`${props.title}: ${text}`}
      />
    </InfoCard>
  );
}

/** The fleet at a glance: how much of it is meshed and strictly encrypted. */
export function CoverageSummary(props: {
  totals: OverviewTotals;
  byMesh: Partial<Record<MeshName, OverviewTotals>>;
  /** Each mesh's title, by mesh (see `meshTitles`). */
  meshTitles: Record<string, string>;
}) {
  const { totals, byMesh } = props;
  const meshes = (Object.keys(byMesh) as MeshName[]).filter(m => m !== 'none');
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={3}>
        <Share
          title="Meshed"
          part={totals.meshed}
          whole={totals.entities}
          what="entities"
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <Share
          title="Strict mTLS"
          part={totals.strictMtls}
          whole={totals.entities}
          what="entities"
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <Share
          title="Pods with a proxy"
          part={totals.meshedPods}
          whole={totals.pods}
          what="pods"
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <InfoCard title="By mesh">
          {meshes.length === 0 && (
            <Typography variant="body2">No entity is in a mesh yet.</Typography>
          )}
          {meshes.map(mesh => (
            <Typography variant="body2" key={mesh}>
              {meshLabel(mesh, props.meshTitles[mesh])}:{' '}
              {byMesh[mesh]!.entities} entit
              {byMesh[mesh]!.entities === 1 ? 'y' : 'ies'},{' '}
              {byMesh[mesh]!.meshedPods}/{byMesh[mesh]!.pods} pods
            </Typography>
          ))}
          {byMesh.none && byMesh.none.entities > 0 && (
            <Typography variant="body2" color="error">
              Not meshed: {byMesh.none.entities} entit
              {byMesh.none.entities === 1 ? 'y' : 'ies'}
            </Typography>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
