import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  MeshStatusService,
  isPromDuration,
  kubernetesAuthFromHeaders,
  PROM_DURATION_HINT,
} from '@meshlens/plugin-mesh-node';
import express from 'express';
import { RequestBounds, checkRange, checkWindow } from './requestBounds';
import { parseCheckFilter } from './service/checks/registry';
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
  logger: LoggerService;
  meshStatus: MeshStatusService;
  /** How much work one request may ask for (see `mesh.maxWindow`). */
  bounds: RequestBounds;
  /**
   * The registered check IDs, which `?check=` may name; without them the
   * parameter is refused.
   */
  checkIds?: ReadonlySet<string>;
}

/**
 * Authenticates, validates, and hands over to the status service, which
 * authorizes each answer for the caller (AuthorizedMeshStatusService).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, meshStatus, bounds } = options;
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** Validated entity ref; the status service authorizes the caller. */
  async function entityRequest(req: express.Request) {
    const credentials = await credentialsOf(req);
    const params = parse(entityParams, req.params);
    return {
      credentials,
      entityRef: stringifyEntityRef(params),
      kubernetesAuth: kubernetesAuthFromHeaders(req.headers),
    };
  }

  router.get('/v1/entities/:kind/:namespace/:name', async (req, res) => {
    const { credentials, entityRef, kubernetesAuth } = await entityRequest(req);
    const { window } = parse(windowQuery, req.query);
    checkWindow(bounds, window);
    const only = parseCheckFilter(
      req.query.check,
      options.checkIds ?? new Set(),
    );
    const status = await meshStatus.getEntityStatus(entityRef, {
      credentials,
      window,
      kubernetesAuth,
    });
    // Every cluster stays, so that "no such finding" and "not read" differ.
    // A copy: the answer may be shared with concurrent requests.
    res.json(
      only
        ? {
            ...status,
            clusters: status.clusters.map(cluster => ({
              ...cluster,
              checks: cluster.checks.filter(c => only.includes(c.id)),
            })),
          }
        : status,
    );
  });

  router.get(
    '/v1/entities/:kind/:namespace/:name/timeseries',
    async (req, res) => {
      const { credentials, entityRef, kubernetesAuth } = await entityRequest(
        req,
      );
      const { range, step } = parse(rangeQuery, req.query);
      checkRange(bounds, range, step);
      res.json(
        await meshStatus.getEntityTimeseries(entityRef, {
          credentials,
          range,
          step,
          kubernetesAuth,
        }),
      );
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/onboarding-targets',
    async (req, res) => {
      const { credentials, entityRef, kubernetesAuth } = await entityRequest(
        req,
      );
      res.json(
        await meshStatus.getOnboardingTargets(entityRef, {
          credentials,
          kubernetesAuth,
        }),
      );
    },
  );

  router.get('/v1/overview', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { window } = parse(windowQuery, req.query);
    checkWindow(bounds, window);
    res.json(
      await meshStatus.getOverview({
        credentials,
        window,
        kubernetesAuth: kubernetesAuthFromHeaders(req.headers),
      }),
    );
  });

  router.get('/v1/certificates', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await meshStatus.getCertificates({
        credentials,
        kubernetesAuth: kubernetesAuthFromHeaders(req.headers),
      }),
    );
  });

  return router;
}
