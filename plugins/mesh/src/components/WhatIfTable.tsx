import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  EstimateRange,
  meshComparisonSources,
  WhatIfEstimate,
} from '@meshlens/plugin-mesh-common';
import { formatCores, formatMemory } from '../lib/cost';
import { formatRps } from '../lib/format';
import { useTableStyles } from './tableStyles';

/** Shown where an alternative has no estimate (its `missing` says why). */
const NOT_ESTIMATED = 'not estimated';

function formatRange(
  range: EstimateRange | undefined,
  format: (n: number) => string,
): string {
  if (!range) return NOT_ESTIMATED;
  const low = format(range.low);
  const high = format(range.high);
  return low === high ? low : `${low} – ${high}`;
}

function basisText(estimate: WhatIfEstimate): string {
  const { basis } = estimate;
  const parts = [
    basis.requestsPerSecond === undefined
      ? 'no measured requests/s'
      : `${formatRps(basis.requestsPerSecond)} through the proxies${
          basis.requestsPerSecondMeasuredBy === 'peer-proxies'
            ? ' (as its peers’ proxies saw it: a lower bound, callers without a proxy are not seen)'
            : ''
        }`,
    `${basis.pods} pod${basis.pods === 1 ? '' : 's'}`,
  ];
  if (basis.nodeShare !== undefined) {
    parts.push(`a node share of ${basis.nodeShare.toFixed(2)}`);
  }
  return `${parts.join(', ')}, measured over ${basis.window}`;
}

/**
 * What the entity's proxies would use under each alternative. These are
 * estimates from published figures, labelled so and with their sources;
 * the table never sits among the measured figures.
 */
export function WhatIfTable(props: {
  estimate: WhatIfEstimate;
  /** What the table answers; a meshed entity's is a switch. */
  question?: string;
}) {
  const { estimate, question = 'What a switch would cost' } = props;
  const classes = useTableStyles();
  return (
    <section aria-label={question}>
      <Typography variant="h6" style={{ marginTop: 16 }}>
        {question} (estimated, not measured)
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        From {basisText(estimate)}, times the published per-proxy figures below.
        Ranges span the sources; read them as an order of magnitude.
      </Typography>
      <div className={classes.scroll}>
        <Table
          size="small"
          aria-label="Estimated proxy resources per alternative"
          className={classes.table}
        >
          <TableHead>
            <TableRow>
              <TableCell>Alternative</TableCell>
              <TableCell align="right">Proxy CPU (estimate)</TableCell>
              <TableCell align="right">Proxy memory (estimate)</TableCell>
              <TableCell>How</TableCell>
              <TableCell>Sources</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {estimate.alternatives.map(a => (
              <TableRow key={a.alternative}>
                <TableCell>{a.title}</TableCell>
                <TableCell align="right">
                  {formatRange(a.cpuCores, formatCores)}
                </TableCell>
                <TableCell align="right">
                  {formatRange(a.memoryBytes, formatMemory)}
                </TableCell>
                <TableCell className={classes.wrapShort}>
                  {a.method}
                  {a.missing.map(m => (
                    <Typography
                      key={`${m.gap}:${m.message}`}
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      {m.message}
                    </Typography>
                  ))}
                </TableCell>
                <TableCell className={classes.wrapShort}>
                  {a.sources
                    .map(s => meshComparisonSources[s]?.title ?? s)
                    .join('; ')}
                  {a.caveats.map(c => (
                    <Typography
                      key={c}
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      {c}
                    </Typography>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}
