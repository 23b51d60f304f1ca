import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import {
  EntityCostRank,
  FleetCost,
  ResourceUsage,
} from '@meshlens/plugin-mesh-common';
import { useState } from 'react';
import { formatCores, formatMemory, formatShare } from '../../lib/cost';
import { useTableStyles } from '../tableStyles';

type RankKey = 'cpu' | 'memory' | 'share';

const proxyOf = (t: {
  proxy: ResourceUsage;
  sharedProxies: ResourceUsage;
}) => ({
  cpuCores:
    t.proxy.cpuCores === undefined && t.sharedProxies.cpuCores === undefined
      ? undefined
      : (t.proxy.cpuCores ?? 0) + (t.sharedProxies.cpuCores ?? 0),
  memoryBytes:
    t.proxy.memoryBytes === undefined &&
    t.sharedProxies.memoryBytes === undefined
      ? undefined
      : (t.proxy.memoryBytes ?? 0) + (t.sharedProxies.memoryBytes ?? 0),
});

const RANK_VALUES: Record<RankKey, (e: EntityCostRank) => number | undefined> =
  {
    cpu: e => e.proxy.cpuCores,
    memory: e => e.proxy.memoryBytes,
    share: e => e.proxyShareOfTotal.cpu,
  };
const rankValue = (e: EntityCostRank, key: RankKey) =>
  RANK_VALUES[key](e) ?? -1;

const money = (n: number | undefined) =>
  n === undefined ? '' : ` · ${n.toFixed(2)} a month`;

/**
 * The fleet's mesh tax: per cluster the proxies (sidecars and shared) and
 * the control plane with HA noted, and the entities whose proxies cost
 * most, sortable.
 */
export function FleetCostCard(props: { cost: FleetCost }) {
  const { cost } = props;
  const classes = useTableStyles();
  const [rankBy, setRankBy] = useState<RankKey>('cpu');
  const ranked = [...cost.topEntities].sort(
    (a, b) => rankValue(b, rankBy) - rankValue(a, rankBy),
  );
  const fleetProxy = proxyOf(cost.totals);
  return (
    <InfoCard
      title="Cost"
      subheader={`Proxies and control planes, measured over ${cost.window}`}
    >
      <Typography variant="body1" gutterBottom>
        Fleet proxies: {formatCores(fleetProxy.cpuCores)} CPU,{' '}
        {formatMemory(fleetProxy.memoryBytes)}; share of all workload resources:{' '}
        {formatShare(cost.totals.proxyShareOfTotal)}
        {money(cost.monthly?.proxy.total)}
      </Typography>
      <div className={classes.scroll}>
        <Table
          size="small"
          aria-label="Cost per cluster"
          className={classes.table}
        >
          <TableHead>
            <TableRow>
              <TableCell>Cluster</TableCell>
              <TableCell align="right">Proxy CPU</TableCell>
              <TableCell align="right">Proxy memory</TableCell>
              <TableCell>Proxy share</TableCell>
              <TableCell>Control plane</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {cost.clusters.map(c => {
              const proxy = proxyOf(c.totals);
              return (
                <TableRow key={c.cluster}>
                  <TableCell>{c.cluster}</TableCell>
                  <TableCell align="right">
                    {formatCores(proxy.cpuCores)}
                  </TableCell>
                  <TableCell align="right">
                    {formatMemory(proxy.memoryBytes)}
                  </TableCell>
                  <TableCell>
                    {formatShare(c.totals.proxyShareOfTotal)}
                  </TableCell>
                  <TableCell>
                    {formatCores(c.controlPlaneTotal.cpuCores)},{' '}
                    {formatMemory(c.controlPlaneTotal.memoryBytes)}
                    {money(c.monthly?.controlPlane.total)}
                    {c.controlPlane.map(p => (
                      <Typography
                        key={`${p.namespace}/${p.component}`}
                        variant="caption"
                        display="block"
                        color="textSecondary"
                      >
                        {p.component}: {p.replicas}{' '}
                        {p.highAvailability
                          ? 'replicas (HA)'
                          : 'replica (single, not HA)'}
                      </Typography>
                    ))}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <Typography variant="h6" style={{ marginTop: 16 }}>
        Top entities by proxy cost
      </Typography>
      <Table
        size="small"
        aria-label="Top entities by proxy cost"
        className={classes.table}
      >
        <TableHead>
          <TableRow>
            <TableCell>Entity</TableCell>
            {(
              [
                ['cpu', 'Proxy CPU'],
                ['memory', 'Proxy memory'],
                ['share', 'Proxy share'],
              ] as const
            ).map(([key, title]) => (
              <TableCell key={key} align={key === 'share' ? 'left' : 'right'}>
                <TableSortLabel
                  active={rankBy === key}
                  direction="desc"
                  onClick={() => setRankBy(key)}
                >
                  {title}
                </TableSortLabel>
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {ranked.length === 0 && (
            <TableRow>
              <TableCell colSpan={4}>
                No entity's proxies were measured.
              </TableCell>
            </TableRow>
          )}
          {ranked.map(e => (
            <TableRow key={e.entityRef}>
              <TableCell>{e.entityRef}</TableCell>
              <TableCell align="right">
                {formatCores(e.proxy.cpuCores)}
              </TableCell>
              <TableCell align="right">
                {formatMemory(e.proxy.memoryBytes)}
              </TableCell>
              <TableCell>{formatShare(e.proxyShareOfTotal)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
