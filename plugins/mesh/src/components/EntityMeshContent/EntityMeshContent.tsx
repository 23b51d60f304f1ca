import { LoadError } from '../LoadError';
import Box from '@material-ui/core/Box';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useMemo } from 'react';
import { meshApiRef } from '../../api';
import { isClusterMeshed } from '../../lib/meshed';
import { useRefreshingAsync } from '../../hooks/useRefreshingAsync';
import { ClusterSection } from '../ClusterSection';
import { CostSection } from '../CostSection';
import { LoadingSkeleton } from '../LoadingSkeleton';
import { NotMeshed } from '../NotMeshed';
import { WhatIfTable } from '../WhatIfTable';
import { RefreshBar } from '../RefreshBar';
import { UpstreamErrors } from '../UpstreamErrors';

/**
 * The mesh tab of an entity: per cluster, mesh and grade, workloads, edges,
 * the last hour, certificates, checks and policies.
 * @public
 */
export function EntityMeshContent() {
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const refKey = `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`;

  const status = useRefreshingAsync(
    () => meshApi.getEntityStatus(entityRef),
    [meshApi, refKey],
  );
  const timeseries = useRefreshingAsync(
    () => meshApi.getEntityTimeseries(entityRef, { range: '1h', step: '1m' }),
    [meshApi, refKey],
  );

  const refresh = () => {
    status.refresh();
    timeseries.refresh();
  };

  if (status.loading) {
    return <LoadingSkeleton />;
  }
  if (!status.value) {
    return (
      <Box>
        <RefreshBar refreshing={status.refreshing} onRefresh={refresh} />
        <LoadError what="the mesh status" error={status.error} />
      </Box>
    );
  }

  const clusters = status.value.clusters;
  const meshed = clusters.filter(isClusterMeshed);
  return (
    <Box display="flex" flexDirection="column" gridGap={24}>
      <RefreshBar
        generatedAt={status.value.generatedAt}
        window={status.value.window}
        refreshing={status.refreshing}
        onRefresh={refresh}
        error={status.error}
      />
      {meshed.length === 0 ? (
        <>
          {/* An unreachable API can look like "no mesh": say so first. */}
          {clusters.map(cluster => (
            <UpstreamErrors
              key={`${cluster.cluster}/${cluster.namespace}`}
              errors={cluster.errors}
              cluster={cluster.cluster}
            />
          ))}
          <NotMeshed entityRef={entityRef} clusters={clusters} />
          {status.value.cost?.whatIf && (
            <InfoCard title="Cost" subheader="Before you mesh it">
              <WhatIfTable
                estimate={status.value.cost.whatIf}
                question="What meshing would cost"
              />
            </InfoCard>
          )}
        </>
      ) : (
        clusters.map(cluster => (
          <ClusterSection
            key={`${cluster.cluster}/${cluster.namespace}`}
            entityRef={entityRef}
            cluster={cluster}
            timeseries={timeseries}
          />
        ))
      )}
      {meshed.length > 0 && status.value.cost && (
        <CostSection cost={status.value.cost} />
      )}
    </Box>
  );
}
