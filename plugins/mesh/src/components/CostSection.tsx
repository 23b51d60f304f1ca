import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import { EntityCost } from '@meshlens/plugin-mesh-common';
import {
  allProxyUsage,
  formatCores,
  formatMemory,
  formatReservation,
  formatShare,
} from '../lib/cost';
import { useTableStyles } from './tableStyles';
import { WhatIfTable } from './WhatIfTable';

/** How the API measures and apportions, as the OpenAPI document states it. */
const MEASURED_HOW =
  'Measured from cAdvisor (container_cpu_usage_seconds_total as a rate over the window, container_memory_working_set_bytes), summed over each workload’s running pods. Proxy: the mesh’s per-pod proxy containers plus the workload’s part of shared proxies; application: every other container.';

/**
 * The mesh tax of an entity: what its proxies use against its
 * application, per workload, with the apportioning rules and what could
 * not be measured.
 */
export function CostSection(props: { cost: EntityCost }) {
  const { cost } = props;
  const classes = useTableStyles();
  const { totals } = cost;
  return (
    <InfoCard
      title="Cost"
      subheader={`Proxy against application, over ${cost.window}`}
    >
      <Typography variant="body1" gutterBottom>
        Proxy share of the pods: {formatShare(totals.proxyShareOfTotal)} (proxy
        ÷ application: {formatShare(totals.proxyShareOfApplication)})
      </Typography>
      <div className={classes.scroll}>
        <Table
          size="small"
          aria-label="Cost per workload"
          className={classes.table}
        >
          <TableHead>
            <TableRow>
              <TableCell>Workload</TableCell>
              <TableCell align="right">Pods</TableCell>
              <TableCell align="right">Proxy CPU</TableCell>
              <TableCell align="right">Proxy memory</TableCell>
              <TableCell align="right">Application CPU</TableCell>
              <TableCell align="right">Application memory</TableCell>
              <TableCell>Proxy share of the pods</TableCell>
              <TableCell>Proxy requests</TableCell>
              <TableCell>Proxy limits</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {cost.workloads.length === 0 && (
              <TableRow>
                <TableCell colSpan={9}>No workloads to cost.</TableCell>
              </TableRow>
            )}
            {cost.workloads.map(w => {
              const proxy = allProxyUsage(w);
              return (
                <TableRow key={`${w.cluster}/${w.namespace}/${w.workload}`}>
                  <TableCell>
                    {w.workload}
                    <Typography
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      {w.cluster}/{w.namespace}
                      {w.sharedProxies.length > 0 &&
                        ` · incl. ${w.sharedProxies
                          .map(s => s.kind)
                          .join(', ')}`}
                    </Typography>
                  </TableCell>
                  <TableCell align="right">{w.pods}</TableCell>
                  <TableCell align="right">
                    {formatCores(proxy.cpuCores)}
                  </TableCell>
                  <TableCell align="right">
                    {formatMemory(proxy.memoryBytes)}
                  </TableCell>
                  <TableCell align="right">
                    {formatCores(w.application.cpuCores)}
                  </TableCell>
                  <TableCell align="right">
                    {formatMemory(w.application.memoryBytes)}
                  </TableCell>
                  <TableCell>{formatShare(w.proxyShareOfTotal)}</TableCell>
                  <TableCell>
                    {formatReservation(w.proxyReservations.requests)}
                  </TableCell>
                  <TableCell>
                    {formatReservation(w.proxyReservations.limits)}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <Typography
        variant="body2"
        color="textSecondary"
        style={{ marginTop: 8 }}
      >
        {MEASURED_HOW}
      </Typography>
      {cost.rules.map(rule => (
        <Typography key={rule} variant="body2" color="textSecondary">
          Apportioning: {rule}
        </Typography>
      ))}
      {cost.missing.length > 0 && (
        <ul aria-label="Not measured">
          {cost.missing.map(m => (
            <li key={`${m.gap}:${m.subject}`}>
              <Typography variant="body2">
                {m.subject}: {m.message}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      {cost.whatIf && <WhatIfTable estimate={cost.whatIf} />}
    </InfoCard>
  );
}
