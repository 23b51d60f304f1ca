import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import { Fragment } from 'react';
import { entityName } from './fleet';

/** Entities named per check before "and N more". */
const NAMED = 10;

/** The failing check IDs of the entities, most frequent first, with the entities of each. */
export function failingCheckCounts(
  entities: OverviewEntity[],
): Array<{ id: string; entities: OverviewEntity[] }> {
  const byId = new Map<string, OverviewEntity[]>();
  for (const e of entities) {
    for (const id of e.failingChecks ?? []) {
      byId.set(id, [...(byId.get(id) ?? []), e]);
    }
  }
  return [...byId.entries()]
    .map(([id, list]) => ({ id, entities: list }))
    .sort(
      (a, b) =>
        b.entities.length - a.entities.length || a.id.localeCompare(b.id),
    );
}

/** How many entities fail each check, each entity linking to its mesh tab. */
export function FailingChecks(props: { entities: OverviewEntity[] }) {
  const entityLink = useEntityRefLink();
  const counts = failingCheckCounts(props.entities);
  if (counts.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No check warns or fails.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Failing checks">
      <TableHead>
        <TableRow>
          <TableCell>Check</TableCell>
          <TableCell align="right">Entities</TableCell>
          <TableCell>Which</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {counts.map(({ id, entities }) => (
          <TableRow key={id}>
            <TableCell component="th" scope="row">
              {id}
            </TableCell>
            <TableCell align="right">{entities.length}</TableCell>
            <TableCell>
              {entities.slice(0, NAMED).map((e, i) => (
                <Fragment key={e.entityRef}>
                  {i > 0 && ', '}
                  <Link to={`${entityLink(parseEntityRef(e.entityRef))}/mesh`}>
                    {entityName(e)}
                  </Link>
                </Fragment>
              ))}
              {entities.length > NAMED &&
                ` and ${entities.length - NAMED} more`}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
