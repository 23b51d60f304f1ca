import Box from '@material-ui/core/Box';
import { EmptyState, InfoCard, LinkButton } from '@backstage/core-components';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ClusterMeshStatus } from '@meshlens/plugin-mesh-common';
import { meshMyServiceLink } from '../lib/links';
import { ChecksList } from './ChecksList';

/**
 * An entity (or one of its clusters) outside every mesh: why, from the
 * checks, and the self-service way in.
 */
export function NotMeshed(props: {
  entityRef: CompoundEntityRef;
  clusters: ClusterMeshStatus[];
}) {
  const reasons = props.clusters.flatMap(c =>
    c.checks.filter(check => check.status !== 'pass'),
  );
  const where = props.clusters
    .map(c => `${c.namespace} on ${c.cluster}`)
    .join(', ');
  return (
    <div>
      <EmptyState
        missing="info"
        title={`${props.entityRef.name} is not in any service mesh`}
        description={
          where
            ? `No pod of namespace ${where} runs in a service mesh: its traffic is neither encrypted nor measured by a mesh.`
            : 'No workloads of this entity were found in any cluster.'
        }
        action={
          <LinkButton
            variant="contained"
            color="primary"
            to={meshMyServiceLink(props.entityRef)}
          >
            Mesh my service
          </LinkButton>
        }
      />
      {reasons.length > 0 && (
        // The empty-state illustration reaches below its box.
        <Box mt={6}>
          <InfoCard title="What the checks found">
            <ChecksList
              checks={reasons}
              label="Why this entity is not meshed"
            />
          </InfoCard>
        </Box>
      )}
    </div>
  );
}
