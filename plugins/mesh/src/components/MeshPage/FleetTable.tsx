import { useTableStyles } from '../tableStyles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import {
  DASH,
  formatDaysLeft,
  formatPercent,
  formatRps,
  isMtlsOn,
  meshAndDataPlane,
  mtlsLabel,
} from '../../lib/format';
import { formatShare, NOT_MEASURED } from '../../lib/cost';
import { gradeCertificate, gradeOfCheck } from '../../lib/grading';
import { MtlsIcon } from '../MtlsIcon';
import { StatusIcon } from '../StatusIcon';
import { SuccessRate } from '../SuccessRate';
import { entityName, ownerName, SortKey } from './fleet';

const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: 'entity', label: 'Entity' },
  { key: 'owner', label: 'Owner' },
  { key: 'mesh', label: 'Mesh' },
  { key: 'meshedPods', label: 'Pods meshed', numeric: true },
  { key: 'mtls', label: 'mTLS' },
  { key: 'requestsPerSecond', label: 'Requests', numeric: true },
  { key: 'successRate', label: 'Success', numeric: true },
  { key: 'proxyShare', label: 'Proxy share' },
  { key: 'certificate', label: 'Cert. expiry' },
  { key: 'check', label: 'Worst check' },
];

/** Every entity's posture, sortable, each linking to its mesh tab. */
export function FleetTable(props: {
  entities: OverviewEntity[];
  sortKey: SortKey;
  direction: 'asc' | 'desc';
  onSort: (key: SortKey) => void;
}) {
  const entityLink = useEntityRefLink();
  const classes = useTableStyles();
  return (
    <Table
      size="small"
      className={classes.noWrap}
      aria-label="Mesh posture of every entity"
    >
      <TableHead>
        <TableRow>
          {COLUMNS.map(column => (
            <TableCell
              key={column.key}
              align={column.numeric ? 'right' : 'left'}
              sortDirection={
                props.sortKey === column.key ? props.direction : false
              }
            >
              <TableSortLabel
                active={props.sortKey === column.key}
                direction={
                  props.sortKey === column.key ? props.direction : 'asc'
                }
                onClick={() => props.onSort(column.key)}
              >
                {column.label}
              </TableSortLabel>
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.entities.length === 0 && (
          <TableRow>
            <TableCell colSpan={COLUMNS.length}>
              No entity matches these filters.
            </TableCell>
          </TableRow>
        )}
        {props.entities.map(e => {
          const ref = parseEntityRef(e.entityRef);
          const cert = e.soonestCertificateExpiry;
          return (
            <TableRow key={e.entityRef}>
              <TableCell component="th" scope="row" role="rowheader">
                <Link to={`${entityLink(ref)}/mesh`}>{entityName(e)}</Link>
                {e.errors.length > 0 && (
                  <>
                    {' '}
                    <StatusIcon
                      grade="warning"
                      label={`Partial data: ${e.errors
                        .map(
                          err =>
                            `${err.source} on ${err.cluster}: ${err.message}`,
                        )
                        .join('; ')}`}
                    />
                  </>
                )}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {e.clusters.join(', ') || 'no cluster'}
                </Typography>
              </TableCell>
              <TableCell className={classes.wrapShort}>
                {ownerName(e.owner)}
              </TableCell>
              <TableCell className={classes.wrapShort}>
                {meshAndDataPlane(e.mesh, e.dataPlane, e.meshTitle)}
              </TableCell>
              <TableCell align="right">
                {e.meshedPods}/{e.pods}
                {e.meshedPods < e.pods && e.mesh !== 'none' && (
                  <>
                    {' '}
                    <StatusIcon
                      grade="warning"
                      label={`${e.pods - e.meshedPods} of ${
                        e.pods
                      } pods without a proxy`}
                    />
                  </>
                )}
              </TableCell>
              <TableCell>
                <MtlsIcon
                  encrypted={
                    e.mtlsMode === 'unknown' ? null : isMtlsOn(e.mtlsMode)
                  }
                  label={`mTLS ${mtlsLabel(e.mtlsMode)}`}
                />{' '}
                {mtlsLabel(e.mtlsMode)}
                {e.encryptedShare !== null &&
                  ` · ${formatPercent(e.encryptedShare, 0)}`}
              </TableCell>
              <TableCell align="right">
                {formatRps(e.requestsPerSecond)}
              </TableCell>
              <TableCell align="right">
                <SuccessRate rate={e.successRate} />
              </TableCell>
              <TableCell className={classes.wrapShort}>
                {e.proxyShareOfTotal
                  ? formatShare(e.proxyShareOfTotal)
                  : NOT_MEASURED}
              </TableCell>
              <TableCell>
                {cert ? (
                  <>
                    <StatusIcon
                      grade={gradeCertificate(cert.status)}
                      label={`Certificate ${cert.status}`}
                    />{' '}
                    {formatDaysLeft(cert.daysLeft)}
                  </>
                ) : (
                  DASH
                )}
              </TableCell>
              <TableCell className={classes.wrapShort}>
                <div className={classes.wide}>
                  {e.worstCheck ? (
                    <>
                      <StatusIcon
                        grade={gradeOfCheck(e.worstCheck.status)}
                        label={`Check ${e.worstCheck.status}`}
                      />{' '}
                      {e.worstCheck.message}
                    </>
                  ) : (
                    DASH
                  )}
                </div>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
