import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { PolicySummary } from '@meshlens/plugin-mesh-common';
import { useState } from 'react';

const useStyles = makeStyles(theme => ({
  item: { display: 'block', paddingLeft: 0, paddingRight: 0 },
  line: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
  },
  kind: { fontWeight: theme.typography.fontWeightMedium as number },
  yaml: {
    margin: theme.spacing(1, 0, 0),
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    background: theme.palette.background.default,
    padding: theme.spacing(1),
  },
}));

function PolicyItem(props: { policy: PolicySummary }) {
  const { policy } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const name = `${policy.kind} ${policy.name}`;
  return (
    <ListItem className={classes.item} divider>
      <div className={classes.line}>
        <Typography variant="body2">
          <span className={classes.kind}>{name}</span>
          {' — '}
          {policy.summary}
        </Typography>
        {policy.yaml && (
          <Button
            size="small"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} YAML of ${name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide YAML' : 'YAML'}
          </Button>
        )}
      </div>
      {policy.yaml && (
        <Collapse in={open} unmountOnExit>
          <pre className={classes.yaml} aria-label={`YAML of ${name}`}>
            {policy.yaml}
          </pre>
        </Collapse>
      )}
    </ListItem>
  );
}

/** Mesh policies of the namespace, read-only: a one-line summary, YAML on demand. */
export function PoliciesList(props: {
  policies: PolicySummary[];
  label: string;
}) {
  if (props.policies.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No mesh policies (mTLS, authorization, routes) apply to this namespace.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label={props.label}>
      {props.policies.map(policy => (
        <PolicyItem
          key={`${policy.apiVersion}/${policy.kind}/${policy.namespace ?? ''}/${
            policy.name
          }`}
          policy={policy}
        />
      ))}
    </List>
  );
}
