import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { WorkloadStatus } from '@meshlens/plugin-mesh-common';
import {
  DASH,
  formatMs,
  formatPercent,
  formatRps,
  isMtlsOn,
  mtlsLabel,
} from '../lib/format';
import { MtlsIcon } from './MtlsIcon';
import { StatusIcon } from './StatusIcon';
import { SuccessRate } from './SuccessRate';
import { useTableStyles } from './tableStyles';

function MeshedPods(props: { workload: WorkloadStatus }) {
  const { pods, meshedPods } = props.workload;
  return (
    <>
      {meshedPods}/{pods}{' '}
      {meshedPods < pods && (
        <StatusIcon
          grade="warning"
          label={`${pods - meshedPods} of ${pods} pods without a proxy`}
        />
      )}
    </>
  );
}

function ProxyVersions(props: { workload: WorkloadStatus }) {
  const { proxyVersions, versionSkew } = props.workload;
  return (
    <>
      {proxyVersions.length ? proxyVersions.join(', ') : DASH}{' '}
      {versionSkew && (
        <StatusIcon
          grade="warning"
          label="Proxy version skew: proxies differ from the control plane"
        />
      )}
    </>
  );
}

function Mtls(props: { workload: WorkloadStatus }) {
  const { mode, encryptedShare } = props.workload.mtls;
  const encrypted =
    mode === 'unknown' ? null : isMtlsOn(mode) && encryptedShare !== 0;
  return (
    <>
      <MtlsIcon encrypted={encrypted} label={`mTLS ${mtlsLabel(mode)}`} />{' '}
      {mtlsLabel(mode)}
      {encryptedShare !== null &&
        ` · ${formatPercent(encryptedShare, 0)} encrypted`}
    </>
  );
}

/** Meshed pods, proxies, mTLS and golden signals of each workload. */
export function WorkloadsTable(props: {
  workloads: WorkloadStatus[];
  label: string;
}) {
  const classes = useTableStyles();
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label={props.label} className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Workload</TableCell>
            <TableCell>Meshed pods</TableCell>
            <TableCell>Proxy version</TableCell>
            <TableCell>mTLS</TableCell>
            <TableCell align="right">Requests</TableCell>
            <TableCell align="right">Success</TableCell>
            <TableCell align="right">p50</TableCell>
            <TableCell align="right">p95</TableCell>
            <TableCell align="right">p99</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.workloads.length === 0 && (
            <TableRow>
              <TableCell colSpan={9}>
                No workloads found for this entity.
              </TableCell>
            </TableRow>
          )}
          {props.workloads.map(w => (
            <TableRow key={`${w.kind}/${w.name}`}>
              <TableCell component="th" scope="row" role="rowheader">
                {w.kind}/{w.name}
              </TableCell>
              <TableCell>
                <MeshedPods workload={w} />
              </TableCell>
              <TableCell>
                <ProxyVersions workload={w} />
              </TableCell>
              <TableCell>
                <Mtls workload={w} />
              </TableCell>
              <TableCell align="right">
                {formatRps(w.metrics?.requestsPerSecond)}
              </TableCell>
              <TableCell align="right">
                <SuccessRate rate={w.metrics?.successRate ?? null} />
              </TableCell>
              <TableCell align="right">
                {formatMs(w.metrics?.latencyMs.p50)}
              </TableCell>
              <TableCell align="right">
                {formatMs(w.metrics?.latencyMs.p95)}
              </TableCell>
              <TableCell align="right">
                {formatMs(w.metrics?.latencyMs.p99)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
