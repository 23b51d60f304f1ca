import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import LockIcon from '@material-ui/icons/Lock';
import LockOpenIcon from '@material-ui/icons/LockOpen';
import { useGradeColours } from './StatusIcon';

/**
 * A closed lock for mutually authenticated traffic, an open one for
 * plaintext, a question mark when the mesh cannot tell.
 */
export function MtlsIcon(props: { encrypted: boolean | null; label?: string }) {
  const classes = useGradeColours();
  if (props.encrypted === null) {
    const label = props.label ?? 'mTLS unknown';
    return (
      <HelpOutlineIcon
        role="img"
        aria-hidden={false}
        aria-label={label}
        titleAccess={label}
        className={classes.icon}
        color="disabled"
      />
    );
  }
  const label =
    props.label ??
    (props.encrypted ? 'mTLS encrypted' : 'Plaintext, not encrypted');
  const Icon = props.encrypted ? LockIcon : LockOpenIcon;
  return (
    <Icon
      role="img"
      aria-hidden={false}
      aria-label={label}
      titleAccess={label}
      className={`${props.encrypted ? classes.ok : classes.warning} ${
        classes.icon
      }`}
    />
  );
}
