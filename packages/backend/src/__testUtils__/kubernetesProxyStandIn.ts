import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import Router from 'express-promise-router';

const kubernetesProxyPermission = createPermission({
  name: 'kubernetes.proxy',
  attributes: {},
});

/**
 * The part of the Kubernetes backend that Meshlens uses, for jest: the real
 * one loads `@kubernetes/client-node` (ES modules only) with a dynamic
 * import, which jest cannot run without --experimental-vm-modules; the
 * integration tests in test/ use the real one. Like it, `/clusters` lists
 * the configured clusters with their auth providers, and `/proxy/*` needs
 * credentials and `kubernetes.proxy`, then forwards GETs to the cluster
 * named by `Backstage-Kubernetes-Cluster` with the cluster's service
 * account token.
 */
export function kubernetesProxyStandIn(
  clusters: Array<{ name: string; url: string; serviceAccountToken: string }>,
) {
  return createBackendPlugin({
    pluginId: 'kubernetes',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
        },
        async init({ httpRouter, httpAuth, permissions }) {
          const router = Router();
          router.get('/clusters', async (req, res) => {
            await httpAuth.credentials(req, { allow: ['user', 'service'] });
            res.json({
              items: clusters.map(c => ({
                name: c.name,
                authProvider: 'serviceAccount',
              })),
            });
          });
          router.get('/proxy/*', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user', 'service'],
            });
            const [decision] = await permissions.authorize(
              [{ permission: kubernetesProxyPermission }],
              { credentials },
            );
            if (decision.result !== AuthorizeResult.ALLOW) {
              throw new NotAllowedError('kubernetes.proxy is not allowed');
            }
            const name = req.header('backstage-kubernetes-cluster');
            const cluster = clusters.find(c => c.name === name);
            if (!cluster) throw new NotFoundError(`No cluster named ${name}`);
            const upstream = await fetch(
              `${cluster.url}${req.originalUrl.replace(
                /^.*?\/api\/kubernetes\/proxy/,
                '',
              )}`,
              {
                headers: {
                  Accept: 'application/json',
                  Authorization: `Bearer ${cluster.serviceAccountToken}`,
                },
              },
            );
            res
              .status(upstream.status)
              .type(upstream.headers.get('content-type') ?? 'application/json')
              .send(Buffer.from(await upstream.arrayBuffer()));
          });
          httpRouter.use(router);
        },
      });
    },
  });
}
