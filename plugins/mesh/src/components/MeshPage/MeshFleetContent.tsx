import { LoadError } from '../LoadError';
import Grid from '@material-ui/core/Grid';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import { InfoCard, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { MeshCertificates } from '@meshlens/plugin-mesh-common';
import { useMemo, useState } from 'react';
import { SOURCE_NAMES } from '../UpstreamErrors';
import { meshApiRef } from '../../api';
import { useRefreshingAsync } from '../../hooks/useRefreshingAsync';
import { LoadingSkeleton } from '../LoadingSkeleton';
import { RefreshBar } from '../RefreshBar';
import { CertificateTimeline } from './CertificateTimeline';
import { CoverageSummary } from './CoverageSummary';
import { FailingChecks } from './FailingChecks';
import { FleetFiltersBar } from './FleetFiltersBar';
import { FleetTable } from './FleetTable';
import { FleetCostCard } from './FleetCostCard';
import {
  filterOptions,
  meshTitles,
  FleetFilters,
  matches,
  NO_FILTERS,
  SortKey,
  sortEntities,
} from './fleet';

function CertificatesPanel(props: {
  state: { value?: MeshCertificates; error?: Error };
}) {
  const { value, error } = props.state;
  if (value) {
    return (
      <>
        {value.errors.map((e, i) => (
          <Typography key={i} variant="body2" color="error" paragraph>
            {SOURCE_NAMES[e.source] ?? e.source} unreachable on {e.cluster}:{' '}
            {e.message}
          </Typography>
        ))}
        <CertificateTimeline certificates={value.certificates} />
      </>
    );
  }
  if (error) {
    return <LoadError what="the certificates" error={error} />;
  }
  return (
    <Typography variant="body2" color="textSecondary">
      Loading certificates…
    </Typography>
  );
}

/** A catalog of 5,000 entities must not render 5,000 rows at once. */
const PAGE_SIZES = [25, 50, 100, 250];

/**
 * The fleet page's content, without page chrome: coverage, filters, the
 * sortable posture table and the certificate timeline.
 * @public
 */
export function MeshFleetContent() {
  const meshApi = useApi(meshApiRef);
  const overview = useRefreshingAsync(() => meshApi.getOverview(), [meshApi]);
  const certificates = useRefreshingAsync(
    () => meshApi.getCertificates(),
    [meshApi],
  );
  const [filters, setFilters] = useState<FleetFilters>(NO_FILTERS);
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(PAGE_SIZES[0]);
  const [sort, setSort] = useState<{ key: SortKey; direction: 'asc' | 'desc' }>(
    {
      key: 'entity',
      direction: 'asc',
    },
  );

  const entities = overview.value?.entities;
  const options = useMemo(() => filterOptions(entities ?? []), [entities]);
  const titles = useMemo(() => meshTitles(entities ?? []), [entities]);
  const shown = useMemo(
    () =>
      sortEntities(
        (entities ?? []).filter(e => matches(e, filters)),
        sort.key,
        sort.direction,
      ),
    [entities, filters, sort],
  );

  const refresh = () => {
    overview.refresh();
    certificates.refresh();
  };

  if (overview.loading) return <LoadingSkeleton />;
  if (!overview.value) {
    return (
      <>
        <RefreshBar refreshing={overview.refreshing} onRefresh={refresh} />
        <LoadError what="the mesh overview" error={overview.error} />
      </>
    );
  }

  const onSort = (key: SortKey) => {
    setPage(0);
    setSort(current => ({
      key,
      direction:
        current.key === key && current.direction === 'asc' ? 'desc' : 'asc',
    }));
  };
  const onFilter = (value: FleetFilters) => {
    setPage(0);
    setFilters(value);
  };

  const upstreamErrors = overview.value.entities.flatMap(e =>
    e.errors.map(err => `${err.source} on ${err.cluster}: ${err.message}`),
  );
  const distinctErrors = [...new Set(upstreamErrors)];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <RefreshBar
          generatedAt={overview.value.generatedAt}
          window={overview.value.window}
          refreshing={overview.refreshing || certificates.refreshing}
          onRefresh={refresh}
          error={overview.error}
        />
      </Grid>
      {distinctErrors.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="warning"
            defaultExpanded
            title={`Partial data: ${distinctErrors.length} upstream error${
              distinctErrors.length === 1 ? '' : 's'
            }`}
            message={distinctErrors.join('\n')}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <CoverageSummary
          totals={overview.value.totals}
          byMesh={overview.value.byMesh}
          meshTitles={titles}
        />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title={`Entities (${shown.length} of ${overview.value.entities.length})`}
        >
          <FleetFiltersBar
            options={options}
            meshTitles={titles}
            value={filters}
            onChange={onFilter}
          />
          <div style={{ overflowX: 'auto', marginTop: 16 }}>
            <FleetTable
              entities={shown.slice(
                page * rowsPerPage,
                (page + 1) * rowsPerPage,
              )}
              sortKey={sort.key}
              direction={sort.direction}
              onSort={onSort}
            />
          </div>
          {shown.length > PAGE_SIZES[0] && (
            <TablePagination
              component="div"
              count={shown.length}
              page={page}
              rowsPerPage={rowsPerPage}
              rowsPerPageOptions={PAGE_SIZES}
              onPageChange={(_event, next) => setPage(next)}
              onRowsPerPageChange={event => {
                setRowsPerPage(Number(event.target.value));
                setPage(0);
              }}
            />
          )}
        </InfoCard>
      </Grid>
      {overview.value.cost && (
        <Grid item xs={12}>
          <FleetCostCard cost={overview.value.cost} />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Failing checks"
          subheader="Entities per check ID (docs/checks/<ID>.md), within the filters"
        >
          <FailingChecks entities={shown} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Certificate expiry"
          subheader="Every mesh certificate, soonest first"
        >
          <CertificatesPanel state={certificates} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
