import Grid from '@material-ui/core/Grid';
import Skeleton from '@material-ui/lab/Skeleton';

/** The shape of the tab while its first answer is on the way. */
export function LoadingSkeleton() {
  return (
    <div role="progressbar" aria-label="Loading mesh status" aria-busy="true">
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <Skeleton variant="text" width="40%" height={40} />
          <Skeleton variant="text" width="60%" />
        </Grid>
        <Grid item xs={12}>
          <Skeleton variant="rect" height={140} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <Skeleton variant="rect" height={200} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <Skeleton variant="rect" height={200} />
        </Grid>
      </Grid>
    </div>
  );
}
