import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import request from 'supertest';
import { readMeshConfig } from './config';
import { createRouter } from './router';
import { checkRange, checkWindow, formatSeconds } from './requestBounds';

const defaults = readMeshConfig(mockServices.rootConfig()).bounds;

describe('request bounds', () => {
  it('accepts windows from 1m to the configured maximum (default 1d)', () => {
    expect(() => checkWindow(defaults, '1m')).not.toThrow();
    expect(() => checkWindow(defaults, '1d')).not.toThrow();
    expect(() => checkWindow(defaults, undefined)).not.toThrow();
    expect(() => checkWindow(defaults, '30s')).toThrow(
      'window must be between 1m and 1d (mesh.maxWindow), got "30s"',
    );
    expect(() => checkWindow(defaults, '3650d')).toThrow(
      'window must be between 1m and 1d (mesh.maxWindow), got "3650d"',
    );
    const wide = readMeshConfig(
      mockServices.rootConfig({ data: { mesh: { maxWindow: '7d' } } }),
    ).bounds;
    expect(() => checkWindow(wide, '3d')).not.toThrow();
    expect(() => checkWindow(wide, '8d')).toThrow('between 1m and 7d');
  });

  it('limits the range (default 7d) and the points (1000)', () => {
    expect(() => checkRange(defaults, undefined, undefined)).not.toThrow();
    expect(() => checkRange(defaults, '7d', '1h')).not.toThrow();
    expect(() => checkRange(defaults, '10y', '4d')).toThrow(
      'range must be between 1s and 7d (mesh.timeseries.maxRange), got "10y"',
    );
    expect(() => checkRange(defaults, '1d', '1m')).toThrow(
      'range/step gives 1440 points; at most 1000 are served: use a step of at least 1m27s',
    );
    expect(() => checkRange(defaults, '1h', '0s')).toThrow(
      'step must be at least 1s',
    );
    const long = readMeshConfig(
      mockServices.rootConfig({
        data: { mesh: { timeseries: { maxRange: '30d' } } },
      }),
    ).bounds;
    expect(() => checkRange(long, '30d', '1h')).not.toThrow();
  });

  it('refuses a default window or bound that contradicts the limits at startup', () => {
    expect(() =>
      readMeshConfig(
        mockServices.rootConfig({ data: { mesh: { window: '2d' } } }),
      ),
    ).toThrow("Invalid mesh.window '2d': use at most 1d");
    expect(() =>
      readMeshConfig(
        mockServices.rootConfig({ data: { mesh: { maxWindow: 'forever' } } }),
      ),
    ).toThrow("Invalid mesh.maxWindow 'forever': use a Prometheus duration");
  });

  it('formats seconds as a Prometheus duration', () => {
    expect(formatSeconds(90061)).toBe('1d1h1m1s');
    expect(formatSeconds(604800)).toBe('7d');
  });

  it('answers 400 naming the limit before the status service is asked', async () => {
    const calls: string[] = [];
    const meshStatus = {
      getEntityStatus: async () => {
        calls.push('entity');
        return {} as any;
      },
      getEntityTimeseries: async () => {
        calls.push('timeseries');
        return {} as any;
      },
      getOverview: async () => {
        calls.push('overview');
        return { entities: [] } as any;
      },
      getCertificates: async () => ({} as any),
      getOnboardingTargets: async () => ({} as any),
    };
    const app = express();
    app.use(
      await createRouter({
        httpAuth: mockServices.httpAuth(),
        logger: mockServices.logger.mock(),
        meshStatus,
        bounds: defaults,
      }),
    );
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      }).error(),
    );
    for (const [path, message] of [
      ['/v1/overview?window=3650d', 'mesh.maxWindow'],
      ['/v1/entities/component/default/a?window=10s', 'between 1m and 1d'],
      [
        '/v1/entities/component/default/a/timeseries?range=10y&step=4d',
        'mesh.timeseries.maxRange',
      ],
      [
        '/v1/entities/component/default/a/timeseries?range=7d&step=1m',
        'at most 1000 are served',
      ],
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(message);
    }
    expect(calls).toEqual([]);
    const ok = await request(app).get(
      '/v1/entities/component/default/a/timeseries?range=7d&step=1h',
    );
    expect(ok.status).toBe(200);
    expect(calls).toEqual(['timeseries']);
  });
});
