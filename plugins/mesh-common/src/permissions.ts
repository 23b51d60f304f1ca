import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the mesh status of a catalog entity. A resource permission on the
 * catalog entity, so policies can use the catalog's conditions (owner, kind).
 * @public
 */
export const meshEntityReadPermission = createPermission({
  name: 'mesh.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Change a namespace so it joins a mesh (labels, policies, restarts).
 * @public
 */
export const meshNamespaceOnboardPermission = createPermission({
  name: 'mesh.namespace.onboard',
  attributes: { action: 'update' },
});

/** @public */
export const meshPermissions = [
  meshEntityReadPermission,
  meshNamespaceOnboardPermission,
];
