import { createRouteRef } from '@backstage/core-plugin-api';

/** The fleet page. */
export const rootRouteRef = createRouteRef({ id: 'mesh' });

/** The mesh tab of an entity page. */
export const entityContentRouteRef = createRouteRef({
  id: 'mesh:entity-content',
});
