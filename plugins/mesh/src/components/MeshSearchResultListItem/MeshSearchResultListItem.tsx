import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { ResultHighlight } from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import {
  CertificateStatus,
  DataPlane,
  MeshName,
  MtlsMode,
} from '@meshlens/plugin-mesh-common';
import { ReactNode } from 'react';
import {
  formatDaysLeft,
  formatPercent,
  isMtlsOn,
  meshAndDataPlane,
  mtlsLabel,
} from '../../lib/format';
import { gradeCertificate } from '../../lib/grading';
import { MtlsIcon } from '../MtlsIcon';
import { StatusIcon } from '../StatusIcon';

/**
 * A search document of type `mesh`, as the Meshlens collator writes it.
 * Fields other than title, text and location are optional so older indexes
 * still render.
 * @public
 */
export interface MeshSearchDocument {
  title: string;
  text: string;
  location: string;
  kind?: string;
  owner?: string;
  mesh?: MeshName;
  /** The title of `mesh` (e.g. `Linkerd`), from its adapter. */
  meshTitle?: string;
  dataPlane?: DataPlane;
  clusters?: string[] | string;
  mtlsMode?: MtlsMode;
  /** 0..1 */
  meshedShare?: number | null;
  certificateStatus?: CertificateStatus | 'none' | null;
  soonestExpiryDays?: number | null;
}

/** @public */
export interface MeshSearchResultListItemProps {
  result?: MeshSearchDocument;
  highlight?: ResultHighlight;
  rank?: number;
  icon?: ReactNode | ((result: MeshSearchDocument) => ReactNode);
  lineClamp?: number;
}

function Highlighted(props: {
  text?: string;
  fallback: string;
  highlight?: ResultHighlight;
}) {
  if (!props.text || !props.highlight) return <>{props.fallback}</>;
  return (
    <HighlightedSearchResultText
      text={props.text}
      preTag={props.highlight.preTag}
      postTag={props.highlight.postTag}
    />
  );
}

/**
 * A mesh search result: the entity, its sentence of posture, and chips for
 * mesh, mTLS, meshed share and certificate expiry.
 * @public
 */
export function MeshSearchResultListItem(props: MeshSearchResultListItemProps) {
  const { result, highlight } = props;
  if (!result) return null;
  // A single-valued field may come back from the index as a plain string.
  const clusters = ([] as string[]).concat(result.clusters ?? []);
  const mesh = result.mesh ?? 'none';
  return (
    <Box display="flex" component="div">
      {props.icon && (
        <ListItemIcon>
          {typeof props.icon === 'function' ? props.icon(result) : props.icon}
        </ListItemIcon>
      )}
      <Box flexGrow={1}>
        <ListItemText
          primaryTypographyProps={{ variant: 'h6' }}
          primary={
            <Link noTrack to={result.location}>
              <Highlighted
                text={highlight?.fields.title}
                fallback={result.title}
                highlight={highlight}
              />
            </Link>
          }
          secondary={
            <Typography
              component="span"
              variant="body2"
              color="textSecondary"
              style={{
                display: '-webkit-box',
                WebkitBoxOrient: 'vertical',
                WebkitLineClamp: props.lineClamp ?? 3,
                overflow: 'hidden',
              }}
            >
              <Highlighted
                text={highlight?.fields.text}
                fallback={result.text}
                highlight={highlight}
              />
            </Typography>
          }
        />
        <Box display="flex" flexWrap="wrap" gridGap={6} mb={2}>
          <Chip
            size="small"
            color={mesh === 'none' ? 'default' : 'primary'}
            label={meshAndDataPlane(
              mesh,
              result.dataPlane ?? 'none',
              result.meshTitle,
            )}
          />
          {result.mtlsMode && mesh !== 'none' && (
            <Chip
              size="small"
              variant="outlined"
              icon={
                <MtlsIcon
                  encrypted={
                    result.mtlsMode === 'unknown'
                      ? null
                      : isMtlsOn(result.mtlsMode)
                  }
                  label={`mTLS ${mtlsLabel(result.mtlsMode)}`}
                />
              }
              label={`mTLS ${mtlsLabel(result.mtlsMode)}`}
            />
          )}
          {typeof result.meshedShare === 'number' && mesh !== 'none' && (
            <Chip
              size="small"
              variant="outlined"
              label={`${formatPercent(result.meshedShare, 0)} pods meshed`}
            />
          )}
          {result.certificateStatus &&
            result.certificateStatus !== 'none' &&
            typeof result.soonestExpiryDays === 'number' && (
              <Chip
                size="small"
                variant="outlined"
                icon={
                  <StatusIcon
                    grade={gradeCertificate(result.certificateStatus)}
                    label={`Certificate ${result.certificateStatus}`}
                  />
                }
                label={`certificate ${formatDaysLeft(
                  result.soonestExpiryDays,
                )}`}
              />
            )}
          {clusters.length > 0 && (
            <Chip
              size="small"
              variant="outlined"
              label={`clusters: ${clusters.join(', ')}`}
            />
          )}
          {result.owner && (
            <Chip
              size="small"
              variant="outlined"
              label={`owner: ${result.owner}`}
            />
          )}
        </Box>
      </Box>
    </Box>
  );
}
