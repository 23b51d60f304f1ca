import { describeError } from '../lib/errors';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import CircularProgress from '@material-ui/core/CircularProgress';
import RefreshIcon from '@material-ui/icons/Refresh';
import { ReactNode } from 'react';

/** When the data was computed, a refresh button, and a note when a refresh failed. */
export function RefreshBar(props: {
  generatedAt?: string;
  window?: string;
  refreshing: boolean;
  onRefresh: () => void;
  error?: Error;
  children?: ReactNode;
}) {
  const time = props.generatedAt ? new Date(props.generatedAt) : undefined;
  return (
    <Box
      display="flex"
      alignItems="center"
      justifyContent="flex-end"
      gridGap={8}
      flexWrap="wrap"
    >
      {props.children}
      <Box flexGrow={1} />
      {props.error && (
        <Typography variant="caption" color="error" role="status">
          Refresh failed: {describeError(props.error)}. Showing the previous
          answer.
        </Typography>
      )}
      {time && (
        <Typography variant="caption" color="textSecondary">
          {props.window ? `${props.window} window, ` : ''}as of{' '}
          {time.toLocaleTimeString()}
        </Typography>
      )}
      <Tooltip title="Refresh">
        <span>
          <IconButton
            aria-label="Refresh"
            onClick={props.onRefresh}
            disabled={props.refreshing}
            size="small"
          >
            {props.refreshing ? (
              <CircularProgress size={18} />
            ) : (
              <RefreshIcon />
            )}
          </IconButton>
        </span>
      </Tooltip>
    </Box>
  );
}
