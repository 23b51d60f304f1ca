import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link } from '@backstage/core-components';
import { ClusterMeshStatus } from '@meshlens/plugin-mesh-common';
import { meshAndDataPlane } from '../lib/format';
import { gradeFromChecks, GRADE_LABELS } from '../lib/grading';
import { StatusIcon } from './StatusIcon';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
  },
  facts: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(3),
    marginTop: theme.spacing(1),
  },
  links: { display: 'flex', gap: theme.spacing(2), flexWrap: 'wrap' },
}));

function Fact(props: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </div>
  );
}

/** What a person must see first: mesh, data plane, versions, enrolment, grade. */
export function ClusterHeader(props: { cluster: ClusterMeshStatus }) {
  const { cluster } = props;
  const classes = useStyles();
  const grade = gradeFromChecks(cluster.checks);
  const controlPlane = cluster.controlPlane;
  return (
    <div>
      <div className={classes.root}>
        <Typography variant="h5" component="h2">
          {cluster.cluster}
          <Typography variant="h5" component="span" color="textSecondary">
            {' '}
            / {cluster.namespace}
          </Typography>
        </Typography>
        <Chip
          label={meshAndDataPlane(
            cluster.mesh,
            cluster.dataPlane,
            cluster.meshTitle,
          )}
          color={cluster.mesh === 'none' ? 'default' : 'primary'}
          size="small"
        />
        <Box display="flex" alignItems="center" gridGap={4}>
          <StatusIcon grade={grade} label={`Overall: ${GRADE_LABELS[grade]}`} />
          <Typography variant="body2">{GRADE_LABELS[grade]}</Typography>
        </Box>
      </div>
      <div className={classes.facts}>
        <Fact label="Control plane">
          {controlPlane ? (
            <>
              {controlPlane.version ?? 'version unknown'} in{' '}
              {controlPlane.namespace}{' '}
              <StatusIcon
                grade={controlPlane.healthy ? 'ok' : 'error'}
                label={
                  controlPlane.healthy
                    ? 'Control plane healthy'
                    : 'Control plane unhealthy'
                }
              />
            </>
          ) : (
            'none found'
          )}
        </Fact>
        <Fact label="Injection">
          {cluster.injection.namespace}
          {cluster.injection.marker ? ` (${cluster.injection.marker})` : ''}
        </Fact>
        {cluster.links && cluster.links.length > 0 && (
          <Fact label="Open in">
            <span className={classes.links}>
              {cluster.links.map(link => (
                <Link key={link.url} to={link.url} externalLinkIcon>
                  {link.title}
                </Link>
              ))}
            </span>
          </Fact>
        )}
      </div>
    </div>
  );
}
