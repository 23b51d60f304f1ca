import { LoadError } from '../LoadError';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Skeleton from '@material-ui/lab/Skeleton';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { ReactNode, useMemo } from 'react';
import { meshApiRef } from '../../api';
import { useRefreshingAsync } from '../../hooks/useRefreshingAsync';
import {
  formatPercent,
  formatRps,
  isMtlsOn,
  mtlsLabel,
} from '../../lib/format';
import {
  CHECK_STATUS_WORDS,
  gradeCertificate,
  gradeOfCheck,
} from '../../lib/grading';
import { meshMyServiceLink } from '../../lib/links';
import { formatShare } from '../../lib/cost';
import { MtlsIcon } from '../MtlsIcon';
import { StatusIcon } from '../StatusIcon';
import { SuccessRate } from '../SuccessRate';
import { DaysLeftBar } from '../CertificatesTable';
import { summarize } from './summarize';

function Row(props: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell
        component="th"
        scope="row"
        role="rowheader"
        style={{ whiteSpace: 'nowrap' }}
      >
        {props.label}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

/**
 * The entity overview card: mesh, mTLS, success rate, soonest certificate
 * expiry and worst check.
 * @public
 */
export function EntityMeshCard() {
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  const entityLink = useEntityRefLink();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const refKey = `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`;
  const status = useRefreshingAsync(
    () => meshApi.getEntityStatus(entityRef),
    [meshApi, refKey],
  );
  const tabLink = `${entityLink(entityRef)}/mesh`;

  let content: ReactNode;
  let tableShown = false;
  if (status.loading) {
    content = (
      <div role="progressbar" aria-label="Loading mesh status">
        <Skeleton variant="text" />
        <Skeleton variant="text" />
        <Skeleton variant="text" width="60%" />
      </div>
    );
  } else if (!status.value) {
    content = <LoadError what="the mesh status" error={status.error} />;
  } else {
    const s = summarize(status.value);
    tableShown = s.meshes.length > 0;
    content =
      s.meshes.length === 0 ? (
        <div>
          <Typography variant="body1" paragraph>
            Not in any service mesh: traffic is not encrypted by a mesh.
          </Typography>
          {s.worstCheck && (
            <Typography variant="body2" color="textSecondary" paragraph>
              {s.worstCheck.message}
            </Typography>
          )}
          <Link to={meshMyServiceLink(entityRef)}>Mesh my service</Link>
        </div>
      ) : (
        <Table size="small" aria-label="Mesh summary">
          <TableBody>
            <Row label="Mesh">
              {s.meshes.join(', ')}
              {s.meshedPods < s.pods && (
                <>
                  {' '}
                  <StatusIcon
                    grade="warning"
                    label={`${s.pods - s.meshedPods} of ${
                      s.pods
                    } pods without a proxy`}
                  />{' '}
                  {s.meshedPods}/{s.pods} pods meshed
                </>
              )}
            </Row>
            <Row label="mTLS">
              {s.mtlsMode ? (
                <>
                  <MtlsIcon
                    encrypted={
                      s.mtlsMode === 'unknown' ? null : isMtlsOn(s.mtlsMode)
                    }
                    label={`mTLS ${mtlsLabel(s.mtlsMode)}`}
                  />{' '}
                  {mtlsLabel(s.mtlsMode)}
                  {s.encryptedShare !== null &&
                    ` · ${formatPercent(s.encryptedShare, 0)} encrypted`}
                </>
              ) : (
                'no workloads'
              )}
            </Row>
            {status.value.cost && (
              <Row label="Proxy share">
                {formatShare(status.value.cost.totals.proxyShareOfTotal)}
              </Row>
            )}
            <Row label="Success rate">
              <SuccessRate rate={s.successRate} />
              {s.requestsPerSecond !== null &&
                ` at ${formatRps(s.requestsPerSecond)}`}
            </Row>
            <Row label="Certificates">
              {s.soonestCertificate ? (
                <>
                  <Typography variant="body2">
                    <StatusIcon
                      grade={gradeCertificate(s.soonestCertificate.status)}
                      label={`Certificate ${s.soonestCertificate.status}`}
                    />{' '}
                    {s.soonestCertificate.role} {s.soonestCertificate.subject}
                  </Typography>
                  <DaysLeftBar certificate={s.soonestCertificate} />
                </>
              ) : (
                'none found'
              )}
            </Row>
            <Row label="Worst check">
              {s.worstCheck ? (
                <>
                  <StatusIcon
                    grade={gradeOfCheck(s.worstCheck.status)}
                    label={CHECK_STATUS_WORDS[s.worstCheck.status]}
                  />{' '}
                  {s.worstCheck.message}
                </>
              ) : (
                'no checks ran'
              )}
            </Row>
            {s.errors > 0 && (
              <Row label="Partial data">
                <StatusIcon grade="warning" label="Partial data" /> {s.errors}{' '}
                upstream error{s.errors === 1 ? '' : 's'}, see the mesh tab
              </Row>
            )}
          </TableBody>
        </Table>
      );
  }

  return (
    <InfoCard
      title="Service mesh"
      deepLink={{ title: 'View mesh details', link: tabLink }}
      noPadding={tableShown}
    >
      {content}
    </InfoCard>
  );
}
