import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import { TimeseriesPoint } from '@meshlens/plugin-mesh-common';
import { formatMs, formatPercent, formatRps } from '../lib/format';

export interface ChartSeries {
  name: string;
  points: TimeseriesPoint[];
}

type Metric = 'requestsPerSecond' | 'successRate' | 'p95Ms';

const METRICS: Array<{
  key: Metric;
  title: string;
  format: (v: number | null) => string;
  /** Fixed bounds keep a 99.9% line from looking like a cliff. */
  bounds?: (min: number, max: number) => [number, number];
}> = [
  {
    key: 'requestsPerSecond',
    title: 'Requests per second',
    format: formatRps,
    bounds: (_min, max) => [0, max || 1],
  },
  {
    key: 'successRate',
    title: 'Success rate',
    format: v => formatPercent(v, 2),
    bounds: min => [Math.min(min, 0.9), 1],
  },
  {
    key: 'p95Ms',
    title: 'Latency p95',
    format: formatMs,
    bounds: (_min, max) => [0, max || 1],
  },
];

const W = 320;
const H = 120;
const M = { top: 8, right: 8, bottom: 18, left: 8 };

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
  swatch: {
    display: 'inline-block',
    width: 12,
    height: 3,
    marginRight: 4,
    verticalAlign: 'middle',
  },
}));

function palette(theme: Theme) {
  return [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.warning.main,
    theme.palette.info.main,
  ];
}

/** Splits a series at missing values, so gaps show as gaps, not as zeros. */
function segments(
  points: TimeseriesPoint[],
  key: Metric,
): Array<Array<{ t: number; v: number }>> {
  const result: Array<Array<{ t: number; v: number }>> = [];
  let current: Array<{ t: number; v: number }> = [];
  for (const p of points) {
    const v = p[key];
    if (v === null || Number.isNaN(v)) {
      if (current.length) result.push(current);
      current = [];
    } else {
      current.push({ t: p.t, v });
    }
  }
  if (current.length) result.push(current);
  return result;
}

function clock(t: number) {
  const d = new Date(t * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(
    d.getMinutes(),
  ).padStart(2, '0')}`;
}

function latest(points: TimeseriesPoint[], key: Metric): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i][key];
    if (v !== null) return v;
  }
  return null;
}

function MetricChart(props: {
  series: ChartSeries[];
  metric: (typeof METRICS)[number];
  rangeLabel: string;
}) {
  const theme = useTheme<Theme>();
  const colours = palette(theme);
  const { key, title, format, bounds } = props.metric;
  const values = props.series.flatMap(s =>
    s.points.map(p => p[key]).filter((v): v is number => v !== null),
  );
  const times = props.series.flatMap(s => s.points.map(p => p.t));
  const latestValues = props.series.map(s => latest(s.points, key));
  const summary = props.series
    .map((s, i) => `${s.name} now ${format(latestValues[i])}`)
    .join(', ');
  const label = `${title} over the last ${props.rangeLabel}: ${
    values.length ? summary : 'no data'
  }`;

  // Why a chart is empty: no traffic at all, or traffic without HTTP data.
  const requestsSeen = props.series.some(s =>
    s.points.some(p => (p.requestsPerSecond ?? 0) > 0),
  );
  if (values.length === 0 || times.length === 0) {
    return (
      <div role="img" aria-label={label}>
        <Typography variant="subtitle2">{title}</Typography>
        <Typography variant="body2" color="textSecondary">
          {key !== 'requestsPerSecond' && requestsSeen
            ? `No data in the last ${props.rangeLabel}: requests were counted, but the mesh reported no HTTP responses for them (L4 only; the checks say why).`
            : `No requests in the last ${props.rangeLabel}.`}
        </Typography>
      </div>
    );
  }

  const rawMin = Math.min(...values);
  const rawMax = Math.max(...values);
  const [yMin, yMax] = bounds ? bounds(rawMin, rawMax) : [rawMin, rawMax];
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const x = (t: number) =>
    M.left + ((t - tMin) / Math.max(1, tMax - tMin)) * (W - M.left - M.right);
  const y = (v: number) =>
    H -
    M.bottom -
    ((v - yMin) / Math.max(1e-9, yMax - yMin)) * (H - M.top - M.bottom);

  return (
    <div>
      <Typography variant="subtitle2">
        {title}:{' '}
        {props.series.length === 1
          ? format(latestValues[0])
          : latestValues.map(v => format(v)).join(' / ')}
      </Typography>
      <svg role="img" aria-label={label} viewBox={`0 0 ${W} ${H}`} width="100%">
        <title>{label}</title>
        <line
          x1={M.left}
          x2={W - M.right}
          y1={H - M.bottom}
          y2={H - M.bottom}
          stroke={theme.palette.divider}
        />
        <line
          x1={M.left}
          x2={W - M.right}
          y1={M.top}
          y2={M.top}
          stroke={theme.palette.divider}
          strokeDasharray="2 3"
        />
        <text
          x={W - M.right}
          y={M.top + 10}
          fontSize={9}
          textAnchor="end"
          fill={theme.palette.text.secondary}
        >
          {format(yMax)}
        </text>
        <text
          x={M.left}
          y={H - 4}
          fontSize={9}
          fill={theme.palette.text.secondary}
        >
          {clock(tMin)}
        </text>
        <text
          x={W - M.right}
          y={H - 4}
          fontSize={9}
          textAnchor="end"
          fill={theme.palette.text.secondary}
        >
          {clock(tMax)}
        </text>
        {props.series.map((s, i) =>
          segments(s.points, key).map((segment, j) => (
            <polyline
              key={`${s.name}-${j}`}
              fill="none"
              stroke={colours[i % colours.length]}
              strokeWidth={1.8}
              strokeLinejoin="round"
              points={segment
                .map(p => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
                .join(' ')}
            />
          )),
        )}
      </svg>
    </div>
  );
}

/** Requests/s, success rate and p95 side by side, one line per workload. */
export function TrafficChart(props: {
  series: ChartSeries[];
  rangeLabel?: string;
}) {
  const classes = useStyles();
  const theme = useTheme<Theme>();
  const colours = palette(theme);
  const rangeLabel = props.rangeLabel ?? 'hour';
  return (
    <div>
      <Grid container spacing={2}>
        {METRICS.map(metric => (
          <Grid item xs={12} md={4} key={metric.key}>
            <MetricChart
              series={props.series}
              metric={metric}
              rangeLabel={rangeLabel}
            />
          </Grid>
        ))}
      </Grid>
      {props.series.length > 1 && (
        <div className={classes.legend} aria-hidden="true">
          {props.series.map((s, i) => (
            <Typography variant="caption" key={s.name}>
              <span
                className={classes.swatch}
                style={{ background: colours[i % colours.length] }}
              />
              {s.name}
            </Typography>
          ))}
        </div>
      )}
    </div>
  );
}
