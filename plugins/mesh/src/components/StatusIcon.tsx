import { makeStyles, Theme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import WarningIcon from '@material-ui/icons/Warning';
import { Grade, GRADE_LABELS } from '../lib/grading';

export const useGradeColours = makeStyles((theme: Theme) => ({
  ok: { color: theme.palette.success.main },
  warning: { color: theme.palette.warning.main },
  error: { color: theme.palette.error.main },
  icon: { verticalAlign: 'middle', fontSize: '1.15em' },
}));

const GRADE_ICONS = {
  ok: CheckCircleIcon,
  warning: WarningIcon,
  error: ErrorIcon,
} as const;

/**
 * A traffic-light icon a screen reader can read: unlike the core Status*
 * components, it is not aria-hidden and says what it means.
 */
export function StatusIcon(props: { grade: Grade; label?: string }) {
  const classes = useGradeColours();
  const label = props.label ?? GRADE_LABELS[props.grade];
  const Icon = GRADE_ICONS[props.grade];
  return (
    <Icon
      role="img"
      aria-hidden={false}
      aria-label={label}
      titleAccess={label}
      className={`${classes[props.grade]} ${classes.icon}`}
    />
  );
}
