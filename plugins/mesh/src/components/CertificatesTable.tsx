import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import {
  CertificateInfo,
  CertificateStatus,
} from '@meshlens/plugin-mesh-common';
import { formatDaysLeft } from '../lib/format';

const useStyles = makeStyles((theme: Theme) => ({
  track: {
    height: 8,
    width: '100%',
    minWidth: 80,
    borderRadius: 4,
    background: theme.palette.action.hover,
    overflow: 'hidden',
  },
  bar: { height: '100%', borderRadius: 4 },
  ok: { background: theme.palette.success.main },
  warning: { background: theme.palette.warning.main },
  critical: { background: theme.palette.error.main },
  expired: { background: theme.palette.error.dark },
  source: { color: theme.palette.text.secondary },
}));

/** Share of the certificate's lifetime still ahead, 0..1. */
export function remainingLifeShare(cert: {
  notBefore: string;
  notAfter: string;
  daysLeft: number;
}): number {
  const lifetimeDays =
    (Date.parse(cert.notAfter) - Date.parse(cert.notBefore)) / 86_400_000;
  if (!Number.isFinite(lifetimeDays) || lifetimeDays <= 0) {
    return cert.daysLeft > 0 ? 1 : 0;
  }
  return Math.min(1, Math.max(0, cert.daysLeft / lifetimeDays));
}

const STATUS_LABEL: Record<CertificateStatus, string> = {
  ok: 'ok',
  warning: 'warning',
  critical: 'critical',
  expired: 'expired',
};

/** A bar of the lifetime left, coloured by the backend's status. */
export function DaysLeftBar(props: {
  certificate: Pick<
    CertificateInfo,
    'notBefore' | 'notAfter' | 'daysLeft' | 'status' | 'subject'
  >;
}) {
  const classes = useStyles();
  const { certificate } = props;
  const share = remainingLifeShare(certificate);
  const text = `${formatDaysLeft(
    certificate.daysLeft,
    certificate.notAfter,
  )} (${STATUS_LABEL[certificate.status]})`;
  return (
    <div>
      <div
        className={classes.track}
        role="meter"
        aria-label={`${certificate.subject}: ${text}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(share * 100)}
        aria-valuetext={text}
        title={text}
      >
        <div
          className={`${classes.bar} ${classes[certificate.status]}`}
          // An expired or nearly expired certificate still gets a visible sliver.
          style={{ width: `${Math.max(share * 100, 3)}%` }}
        />
      </div>
      <Typography variant="caption">{text}</Typography>
    </div>
  );
}

/** The trust chain: anchor, issuer, webhook and workload certificates. */
export function CertificatesTable(props: {
  certificates: CertificateInfo[];
  label: string;
}) {
  const classes = useStyles();
  if (props.certificates.length === 0) {
    return (
      <Box p={2}>
        <Typography variant="body2" color="textSecondary">
          No mesh certificates found (a mesh without mutual authentication has
          none; otherwise the backend could not read them).
        </Typography>
      </Box>
    );
  }
  const sorted = [...props.certificates].sort(
    (a, b) => a.daysLeft - b.daysLeft,
  );
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Role</TableCell>
          <TableCell>Subject</TableCell>
          <TableCell>Expires</TableCell>
          <TableCell style={{ width: '35%' }}>Time left</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {sorted.map(cert => (
          <TableRow key={`${cert.role}/${cert.serialNumber}/${cert.source}`}>
            <TableCell>{cert.role}</TableCell>
            <TableCell component="th" scope="row" role="rowheader">
              {cert.subject}
              <Typography
                variant="caption"
                component="div"
                className={classes.source}
              >
                {cert.source}
              </Typography>
            </TableCell>
            <TableCell>{cert.notAfter.slice(0, 10)}</TableCell>
            <TableCell>
              <DaysLeftBar certificate={cert} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
