import { Theme, useTheme } from '@material-ui/core/styles';
import { formatRps } from '../lib/format';
import { PeerEdge, callerKindLabel } from '../lib/edges';

const WIDTH = 900;
const ROW = 56;
const NODE_W = 200;
const SERVICE_W = 180;
const NODE_H = 32;
const PAD = 16;

function truncate(text: string, max = 28) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A padlock drawn in SVG: closed for mTLS, open for plaintext, "?" for unknown. */
function Lock(props: {
  x: number;
  y: number;
  encrypted: boolean | null;
  colour: string;
}) {
  const { x, y, encrypted, colour } = props;
  if (encrypted === null) {
    return (
      <text x={x} y={y + 4} fontSize={12} textAnchor="middle" fill={colour}>
        ?
      </text>
    );
  }
  const shackle = encrypted
    ? `M ${x - 3.5} ${y - 1} v -3 a 3.5 3.5 0 0 1 7 0 v 3`
    : `M ${x - 3.5} ${y - 1} v -3 a 3.5 3.5 0 0 1 7 0 v -1`;
  return (
    <g aria-hidden="true">
      <path d={shackle} fill="none" stroke={colour} strokeWidth={1.6} />
      <rect
        x={x - 5.5}
        y={y - 1}
        width={11}
        height={8}
        rx={1.5}
        fill={colour}
      />
    </g>
  );
}

const MTLS_WORDS: Record<string, string> = {
  true: ' encrypted',
  false: ' plaintext',
  null: '',
};

function describe(edges: PeerEdge[], direction: PeerEdge['direction']) {
  const list = edges.filter(e => e.direction === direction);
  if (list.length === 0) return 'none';
  return list
    .map(
      e =>
        `${callerKindLabel(e) ? `${callerKindLabel(e)} ` : ''}${
          e.peer.namespace
        }/${e.peer.name} ${formatRps(e.requestsPerSecond)}${
          MTLS_WORDS[String(e.mtls)]
        }`,
    )
    .join(', ');
}

/**
 * Callers on the left, the service in the middle, callees on the right, each
 * edge labelled with its request rate and a padlock.
 */
export function OneHopGraph(props: { service: string; edges: PeerEdge[] }) {
  const theme = useTheme<Theme>();
  const callers = props.edges.filter(e => e.direction === 'inbound');
  const callees = props.edges.filter(e => e.direction === 'outbound');
  const rows = Math.max(callers.length, callees.length, 1);
  const height = rows * ROW + PAD * 2;
  const centreY = height / 2;
  const centreX = WIDTH / 2;
  const rowY = (i: number, n: number) =>
    PAD + ((rows - n) * ROW) / 2 + i * ROW + ROW / 2;

  const colours = {
    node: theme.palette.background.paper,
    border: theme.palette.text.secondary,
    text: theme.palette.text.primary,
    service: theme.palette.primary.main,
    ok: theme.palette.success.main,
    warn: theme.palette.warning.main,
    unknown: theme.palette.text.disabled,
  };
  const lockColour = (mtls: boolean | null) => {
    if (mtls === null) return colours.unknown;
    return mtls ? colours.ok : colours.warn;
  };

  const label = `One-hop traffic graph of ${props.service}. Callers: ${describe(
    props.edges,
    'inbound',
  )}. Callees: ${describe(props.edges, 'outbound')}.`;

  const renderSide = (list: PeerEdge[], side: 'left' | 'right') =>
    list.map((edge, i) => {
      const y = rowY(i, list.length);
      const nodeX = side === 'left' ? PAD : WIDTH - PAD - NODE_W;
      const from =
        side === 'left'
          ? { x: nodeX + NODE_W, y }
          : { x: centreX + SERVICE_W / 2, y: centreY };
      const to =
        side === 'left'
          ? { x: centreX - SERVICE_W / 2, y: centreY }
          : { x: nodeX, y };
      const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
      const name = `${edge.peer.namespace}/${edge.peer.name}`;
      const kind = callerKindLabel(edge);
      return (
        <g key={edge.key}>
          <title>
            {side === 'left'
              ? `${kind ? `${kind} ` : ''}${name}${
                  edge.recognisedBy ? ` (${edge.recognisedBy})` : ''
                } calls ${props.service}`
              : `${props.service} calls ${name}`}
            : {formatRps(edge.requestsPerSecond)}
          </title>
          <line
            x1={from.x}
            y1={from.y}
            x2={to.x}
            y2={to.y}
            stroke={lockColour(edge.mtls)}
            strokeWidth={
              1.5 + Math.min(3, Math.log10(1 + edge.requestsPerSecond))
            }
            strokeDasharray={edge.mtls === false ? '5 4' : undefined}
            markerEnd="url(#meshlens-arrow)"
          />
          <rect
            x={mid.x - 46}
            y={mid.y - 10}
            width={92}
            height={20}
            rx={10}
            fill={colours.node}
            stroke={lockColour(edge.mtls)}
          />
          <Lock
            x={mid.x - 34}
            y={mid.y - 2}
            encrypted={edge.mtls}
            colour={lockColour(edge.mtls)}
          />
          <text
            x={mid.x + 6}
            y={mid.y + 4}
            fontSize={11}
            textAnchor="middle"
            fill={colours.text}
          >
            {formatRps(edge.requestsPerSecond)}
          </text>
          <rect
            x={nodeX}
            y={y - NODE_H / 2}
            width={NODE_W}
            height={NODE_H}
            rx={6}
            fill={colours.node}
            stroke={colours.border}
          />
          {kind && (
            <text
              x={nodeX + NODE_W / 2}
              y={y - NODE_H / 2 - 4}
              fontSize={10}
              fontWeight="bold"
              textAnchor="middle"
              fill={colours.warn}
            >
              {kind}
            </text>
          )}
          <text
            x={nodeX + NODE_W / 2}
            y={y + 4}
            fontSize={12}
            textAnchor="middle"
            fill={colours.text}
          >
            {truncate(name)}
          </text>
        </g>
      );
    });

  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      style={{ maxHeight: Math.max(160, height), display: 'block' }}
    >
      <title>{label}</title>
      <defs>
        <marker
          id="meshlens-arrow"
          viewBox="0 0 10 10"
          refX={9}
          refY={5}
          markerWidth={6}
          markerHeight={6}
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill={colours.border} />
        </marker>
      </defs>
      {renderSide(callers, 'left')}
      {renderSide(callees, 'right')}
      <rect
        x={centreX - SERVICE_W / 2}
        y={centreY - NODE_H / 2 - 4}
        width={SERVICE_W}
        height={NODE_H + 8}
        rx={8}
        fill={colours.service}
      />
      <text
        x={centreX}
        y={centreY + 5}
        fontSize={13}
        fontWeight="bold"
        textAnchor="middle"
        fill={theme.palette.primary.contrastText}
      >
        {truncate(props.service)}
      </text>
      {callers.length === 0 && (
        <text x={PAD} y={centreY + 4} fontSize={11} fill={colours.unknown}>
          no callers seen
        </text>
      )}
      {callees.length === 0 && (
        <text
          x={WIDTH - PAD}
          y={centreY + 4}
          fontSize={11}
          textAnchor="end"
          fill={colours.unknown}
        >
          no callees seen
        </text>
      )}
    </svg>
  );
}
