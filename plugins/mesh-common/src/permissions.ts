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
 * Change a namespace so it joins a mesh (labels, policies, restarts), for
 * a catalog entity: a resource permission, so a policy can allow it on the
 * entities a team owns (the catalog's `isEntityOwner`).
 * @public
 */
export const meshNamespaceOnboardPermission = createPermission({
  name: 'mesh.namespace.onboard',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Read the certificates of every configured cluster's mesh (trust anchors,
 * issuers, webhooks): cluster-wide, so not tied to one catalog entity.
 * @public
 */
export const meshCertificatesReadPermission = createPermission({
  name: 'mesh.certificates.read',
  attributes: { action: 'read' },
});

/** @public */
export const meshPermissions = [
  meshEntityReadPermission,
  meshNamespaceOnboardPermission,
  meshCertificatesReadPermission,
];
