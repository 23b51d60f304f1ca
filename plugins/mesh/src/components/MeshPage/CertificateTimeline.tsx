import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import { ClusterCertificate } from '@meshlens/plugin-mesh-common';
import { certificateRows } from '../../lib/certificateRows';

const HORIZON_DAYS = 90;
/** Beyond this many rows the timeline stops being readable at a glance. */
const MAX_ROWS = 40;
const W = 900;
const ROW = 22;
const LABEL_W = 360;
const TOP = 24;

/**
 * Every mesh certificate on one axis from today to 90 days out: what expires
 * next is at the top; anything later sits at the right edge with its date.
 */
export function CertificateTimeline(props: {
  certificates: ClusterCertificate[];
}) {
  const theme = useTheme<Theme>();
  const all = certificateRows(props.certificates);
  const sorted = all.slice(0, MAX_ROWS);
  const hidden = all.length - sorted.length;
  if (sorted.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No mesh certificates found in any cluster.
      </Typography>
    );
  }
  const colour = {
    ok: theme.palette.success.main,
    warning: theme.palette.warning.main,
    critical: theme.palette.error.main,
    expired: theme.palette.error.dark,
  };
  const axisW = W - LABEL_W - 20;
  const x = (days: number) =>
    LABEL_W +
    (Math.min(Math.max(days, 0), HORIZON_DAYS) / HORIZON_DAYS) * axisW;
  const height = TOP + (sorted.length + (hidden > 0 ? 1 : 0)) * ROW + 8;
  const label = `Certificate expiry timeline: ${sorted
    .slice(0, 10)
    .map(c => `${c.spoken} ${c.left}`)
    .join('; ')}${all.length > 10 ? `; and ${all.length - 10} more` : ''}`;

  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
    >
      <title>{label}</title>
      {[0, 7, 30, 60, 90].map(day => (
        <g key={day}>
          <line
            x1={x(day)}
            x2={x(day)}
            y1={TOP - 6}
            y2={height}
            stroke={theme.palette.divider}
            strokeDasharray={day === 0 ? undefined : '3 3'}
          />
          <text
            x={x(day)}
            y={TOP - 10}
            fontSize={10}
            textAnchor="middle"
            fill={theme.palette.text.secondary}
          >
            {day === 0 ? 'today' : `${day} d`}
          </text>
        </g>
      ))}
      {sorted.map((cert, i) => {
        const y = TOP + i * ROW + ROW / 2;
        const beyond = cert.daysLeft > HORIZON_DAYS;
        const text = cert.text;
        return (
          <g key={cert.key}>
            <title>
              {text}: {cert.left} ({cert.status}), {cert.detail}
            </title>
            <text
              x={0}
              y={y + 4}
              fontSize={11}
              fill={theme.palette.text.primary}
            >
              {text.length > 58 ? `${text.slice(0, 57)}…` : text}
            </text>
            <rect
              x={x(0)}
              y={y - 5}
              width={Math.max(3, x(cert.daysLeft) - x(0))}
              height={10}
              rx={3}
              fill={colour[cert.status]}
            />
            <text
              x={beyond ? x(HORIZON_DAYS) - 6 : x(cert.daysLeft) + 6}
              y={y + 4}
              fontSize={10}
              textAnchor={beyond ? 'end' : 'start'}
              fill={
                beyond
                  ? theme.palette.common.white
                  : theme.palette.text.secondary
              }
            >
              {beyond ? `${cert.notAfter.slice(0, 10)} ›` : cert.left}
            </text>
          </g>
        );
      })}
      {hidden > 0 && (
        <text
          x={0}
          y={TOP + sorted.length * ROW + ROW / 2 + 4}
          fontSize={11}
          fill={theme.palette.text.secondary}
        >
          and {hidden} more expiring later
        </text>
      )}
    </svg>
  );
}
