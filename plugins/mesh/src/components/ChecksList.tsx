import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { MeshCheck } from '@meshlens/plugin-mesh-common';
import { CHECK_STATUS_WORDS, gradeOfCheck } from '../lib/grading';
import { StatusIcon } from './StatusIcon';

const ORDER = { fail: 0, warn: 1, pass: 2 } as const;

/** Every check, failures first, each with what to do about it. */
export function ChecksList(props: { checks: MeshCheck[]; label: string }) {
  const sorted = [...props.checks].sort(
    (a, b) => ORDER[a.status] - ORDER[b.status],
  );
  if (sorted.length === 0) {
    return <ListItemText secondary="No checks ran." />;
  }
  return (
    <List dense aria-label={props.label}>
      {sorted.map((check, index) => (
        // One check can report several findings (one per workload).
        <ListItem key={`${check.id}-${index}`} alignItems="flex-start">
          <ListItemIcon style={{ minWidth: 32, marginTop: 4 }}>
            <StatusIcon
              grade={gradeOfCheck(check.status)}
              label={CHECK_STATUS_WORDS[check.status]}
            />
          </ListItemIcon>
          <ListItemText
            primary={check.message}
            secondary={check.hint || undefined}
            // The Backstage theme truncates list text to one line; a hint
            // is only useful in full, and carries long commands: wrap anywhere.
            style={{ whiteSpace: 'normal' }}
            primaryTypographyProps={{ style: { overflowWrap: 'anywhere' } }}
            secondaryTypographyProps={{ style: { overflowWrap: 'anywhere' } }}
          />
          <Typography
            variant="caption"
            color="textSecondary"
            title={check.title}
            style={{ marginLeft: 8, marginTop: 6, whiteSpace: 'nowrap' }}
          >
            {check.id}
          </Typography>
        </ListItem>
      ))}
    </List>
  );
}
