import { ResponseError } from '@backstage/errors';
import { KubeObject } from '@meshlens/plugin-mesh-node';
import { stringify as toYaml } from 'yaml';
import { KubernetesApi } from './types';

function withFieldManager(path: string, fieldManager: string): string {
  return `${path}?fieldManager=${encodeURIComponent(fieldManager)}`;
}

async function kubernetesReason(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.json()) as { kind?: string; message?: string };
    return body?.kind === 'Status' && body.message ? body.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A {@link KubernetesApi} over HTTP: either the Kubernetes backend's proxy
 * or an API server reached directly. `headers` is called per request so
 * short-lived tokens stay fresh.
 * @public
 */
export class HttpKubernetesApi implements KubernetesApi {
  constructor(
    private readonly options: {
      /** The URL paths are appended to, without a trailing slash. */
      baseUrl: string | (() => Promise<string>);
      headers: () => Promise<Record<string, string>>;
    },
  ) {}

  async get(path: string): Promise<KubeObject | undefined> {
    const res = await this.send('GET', path, { allowNotFound: true });
    return res.status === 404 ? undefined : ((await res.json()) as KubeObject);
  }

  async list(
    path: string,
    options?: { labelSelector?: string },
  ): Promise<KubeObject[]> {
    const query = options?.labelSelector
      ? `?labelSelector=${encodeURIComponent(options.labelSelector)}`
      : '';
    const res = await this.send('GET', `${path}${query}`, {
      allowNotFound: true,
    });
    if (res.status === 404) {
      return [];
    }
    const body = (await res.json()) as { items?: KubeObject[] };
    return body.items ?? [];
  }

  async apply(
    path: string,
    object: KubeObject,
    fieldManager: string,
  ): Promise<KubeObject> {
    const res = await this.send('PATCH', withFieldManager(path, fieldManager), {
      body: toYaml(object),
      contentType: 'application/apply-patch+yaml',
    });
    return (await res.json()) as KubeObject;
  }

  async mergePatch(
    path: string,
    patch: object,
    fieldManager: string,
  ): Promise<KubeObject> {
    const res = await this.send('PATCH', withFieldManager(path, fieldManager), {
      body: JSON.stringify(patch),
      contentType: 'application/merge-patch+json',
    });
    return (await res.json()) as KubeObject;
  }

  async replace(
    path: string,
    object: KubeObject,
    fieldManager: string,
  ): Promise<KubeObject> {
    const res = await this.send('PUT', withFieldManager(path, fieldManager), {
      body: JSON.stringify(object),
      contentType: 'application/json',
    });
    return (await res.json()) as KubeObject;
  }

  async delete(path: string): Promise<void> {
    // Already gone is what a delete wants.
    await this.send('DELETE', path, { allowNotFound: true });
  }

  private async send(
    method: string,
    path: string,
    options: { body?: string; contentType?: string; allowNotFound?: boolean },
  ): Promise<Response> {
    const base =
      typeof this.options.baseUrl === 'string'
        ? this.options.baseUrl
        : await this.options.baseUrl();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(await this.options.headers()),
    };
    if (options.contentType) {
      headers['Content-Type'] = options.contentType;
    }
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body,
    });
    if (res.ok || (res.status === 404 && options.allowNotFound)) {
      return res;
    }
    const reason = await kubernetesReason(res.clone());
    const error = await ResponseError.fromResponse(res);
    if (reason && !error.message.includes(reason)) {
      // The API server's Status message says what to fix (a conflict, a
      // forbidden verb); keep it in the error the task shows.
      error.message = `${error.message}: ${reason}`;
    }
    throw error;
  }
}
