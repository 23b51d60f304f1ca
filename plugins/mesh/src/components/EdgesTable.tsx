import { useTableStyles } from './tableStyles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatRps } from '../lib/format';
import { PeerEdge, callerKindLabel } from '../lib/edges';
import { MtlsIcon } from './MtlsIcon';
import { SuccessRate } from './SuccessRate';

/** Who calls the service and whom it calls, with rate, success and mTLS. */
export function EdgesTable(props: { edges: PeerEdge[]; label: string }) {
  const classes = useTableStyles();
  return (
    <Table size="small" className={classes.table} aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Direction</TableCell>
          <TableCell>Peer</TableCell>
          <TableCell align="right">Requests</TableCell>
          <TableCell align="right">Success</TableCell>
          <TableCell align="center">mTLS</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.edges.length === 0 && (
          <TableRow>
            <TableCell colSpan={5}>
              No traffic to or from this service in the window.
            </TableCell>
          </TableRow>
        )}
        {props.edges.map(edge => (
          <TableRow key={edge.key}>
            <TableCell>
              {edge.direction === 'inbound' ? 'from (caller)' : 'to (callee)'}
            </TableCell>
            <TableCell component="th" scope="row" role="rowheader">
              {callerKindLabel(edge) && <b>{callerKindLabel(edge)} </b>}
              {edge.peer.namespace}/{edge.peer.name}
              {edge.recognisedBy && ` (${edge.recognisedBy})`}
            </TableCell>
            <TableCell align="right">
              {formatRps(edge.requestsPerSecond)}
            </TableCell>
            <TableCell align="right">
              <SuccessRate rate={edge.successRate} />
            </TableCell>
            <TableCell align="center">
              <MtlsIcon encrypted={edge.mtls} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
