import Typography from '@material-ui/core/Typography';
import { formatPercent } from '../lib/format';
import { gradeSuccessRate } from '../lib/grading';
import { useGradeColours } from './StatusIcon';

/** A success rate coloured green from 99%, amber from 90%, red below (mesh-common's grades). */
export function SuccessRate(props: { rate: number | null }) {
  const classes = useGradeColours();
  const grade = gradeSuccessRate(props.rate);
  return (
    <Typography
      component="span"
      variant="inherit"
      className={grade ? classes[grade] : undefined}
      title={
        grade === undefined
          ? 'No requests in the window, or the mesh reports TCP only'
          : undefined
      }
    >
      {formatPercent(props.rate, 2)}
    </Typography>
  );
}
