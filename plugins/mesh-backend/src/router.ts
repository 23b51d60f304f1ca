import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  meshCertificatesReadPermission,
  meshEntityReadPermission,
} from '@meshlens/plugin-mesh-common';
import {
  MeshStatusService,
  isPromDuration,
  PROM_DURATION_HINT,
} from '@meshlens/plugin-mesh-node';
import express from 'express';
import { RequestBounds, checkRange, checkWindow } from './requestBounds';
import Router from 'express-promise-router';
import { z } from 'zod';

const duration = (name: string) =>
  z
    .string()
    .refine(isPromDuration, {
      message: `${name} must be ${PROM_DURATION_HINT}`,
    })
    .optional();

const entityParams = z.object({
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
});
const windowQuery = z.object({ window: duration('window') });
const rangeQuery = z.object({
  range: duration('range'),
  step: duration('step'),
});

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(i => `${i.path.join('.') || 'request'}: ${i.message}`)
        .join('; '),
    );
  }
  return result.data;
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  meshStatus: MeshStatusService;
  /** How much work one request may ask for (see `mesh.maxWindow`). */
  bounds: RequestBounds;
}

/** Validates, authorizes, and hands over to the status service. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, meshStatus, bounds } = options;
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  async function authorizeEntity(req: express.Request) {
    const credentials = await credentialsOf(req);
    const params = parse(entityParams, req.params);
    const entityRef = stringifyEntityRef(params);
    const [decision] = await permissions.authorize(
      [{ permission: meshEntityReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the mesh status of ${entityRef} (permission ${meshEntityReadPermission.name})`,
      );
    }
    return { credentials, entityRef };
  }

  router.get('/v1/entities/:kind/:namespace/:name', async (req, res) => {
    const { credentials, entityRef } = await authorizeEntity(req);
    const { window } = parse(windowQuery, req.query);
    checkWindow(bounds, window);
    res.json(
      await meshStatus.getEntityStatus(entityRef, { credentials, window }),
    );
  });

  router.get(
    '/v1/entities/:kind/:namespace/:name/timeseries',
    async (req, res) => {
      const { credentials, entityRef } = await authorizeEntity(req);
      const { range, step } = parse(rangeQuery, req.query);
      checkRange(bounds, range, step);
      res.json(
        await meshStatus.getEntityTimeseries(entityRef, {
          credentials,
          range,
          step,
        }),
      );
    },
  );

  router.get('/v1/overview', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { window } = parse(windowQuery, req.query);
    checkWindow(bounds, window);
    let decided: Set<string> | undefined;
    const authorize = async (entityRefs: string[]) => {
      if (entityRefs.length === 0) return (decided = new Set<string>());
      const decisions = await permissions.authorize(
        entityRefs.map(resourceRef => ({
          permission: meshEntityReadPermission,
          resourceRef,
        })),
        { credentials },
      );
      decided = new Set(
        entityRefs.filter(
          (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
        ),
      );
      return decided;
    };
    const overview = await meshStatus.getOverview({
      credentials,
      window,
      authorize,
    });
    // A status service that ignores `authorize` still gets its rows filtered.
    if (!decided) {
      const allowed = await authorize(overview.entities.map(e => e.entityRef));
      overview.entities = overview.entities.filter(e =>
        allowed.has(e.entityRef),
      );
    }
    res.json(overview);
  });

  router.get('/v1/certificates', async (req, res) => {
    const credentials = await credentialsOf(req);
    const [decision] = await permissions.authorize(
      [{ permission: meshCertificatesReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read mesh certificates (permission ${meshCertificatesReadPermission.name})`,
      );
    }
    res.json(await meshStatus.getCertificates({ credentials }));
  });

  return router;
}
