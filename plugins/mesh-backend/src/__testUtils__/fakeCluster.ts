import { KubeObject } from '@meshlens/plugin-mesh-node';
import { SelectorSyntaxError, labelSelectorPredicate } from './fakeSelector';
import { FakeAnswer, FakeKinds, statusBody } from './fakeKinds';

export type { FakeAnswer } from './fakeKinds';
export { CURRENT_MESH_CRDS } from './fakeKinds';

/** The words of a real server's 410 for a continue token past compaction. */
const EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

const keyOf = (o: KubeObject) =>
  `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;

/**
 * A cluster's API server in a few hundred lines: only the kinds and CRD
 * versions it was built with are served (anything else answers 404, in
 * discovery too), objects of a CRD answer at whichever served version is
 * asked, lists are paged with continue tokens that expire on command
 * (410), and faults answer 403, 429 or nothing. The contract suite
 * (readPath.contract.test.ts) holds it to the demo API server.
 */
export class FakeCluster {
  private readonly kinds: FakeKinds;
  /** key: `${group}|${plural}`, group '' for the core group */
  private readonly objects = new Map<string, KubeObject[]>();
  private readonly faults: Array<{
    path: RegExp;
    answer: (path: string) => FakeAnswer;
  }> = [];
  /** Continue tokens of earlier epochs have expired. */
  private epoch = 0;
  down = false;
  /**
   * The Kubernetes backend's auth provider for this cluster. A client-side
   * one (`oidc`, `google`, ...) needs the user's token in the
   * `Backstage-Kubernetes-Authorization-<provider>` header, as the real
   * proxy does; without it the API server answers 401.
   */
  authProvider = 'serviceAccount';
  oidcTokenProvider?: string;

  /** `crds`: the CRD versions served, as `group/version/plural`; the current meshes' by default. */
  constructor(options: { crds?: string[] } = {}) {
    this.kinds = new FakeKinds(options.crds);
  }

  /**
   * Answers 403 to matching paths, as the API server does for a token
   * without the right to read them (RBAC).
   */
  forbid(path: RegExp = /./): this {
    this.faults.push({
      path,
      answer: p => ({
        status: 403,
        body: statusBody(
          403,
          'Forbidden',
          `${p} is forbidden: User "system:serviceaccount:backstage:backstage" cannot list this resource`,
        ),
      }),
    });
    return this;
  }

  /**
   * Answers 429 with `Retry-After` to matching paths, as API priority and
   * fairness does when the cluster is overloaded.
   */
  throttle(path: RegExp = /./, retryAfterSeconds = 1): this {
    this.faults.push({
      path,
      answer: () => ({
        status: 429,
        headers: { 'Retry-After': String(retryAfterSeconds) },
        body: statusBody(
          429,
          'TooManyRequests',
          'Too many requests, please try again later.',
          { retryAfterSeconds },
        ),
      }),
    });
    return this;
  }

  /**
   * Never answers matching paths, as a cluster behind a dead link: the
   * request ends only when the caller gives up.
   */
  hang(path: RegExp = /./): this {
    this.faults.push({ path, answer: () => 'hang' });
    return this;
  }

  /** Removes every fault added with forbid, throttle or hang. */
  heal(): this {
    this.faults.length = 0;
    return this;
  }

  /** Expires every continue token issued so far, as an etcd compaction does. */
  expireContinueTokens(): this {
    this.epoch += 1;
    return this;
  }

  add(apiVersion: string, plural: string, object: KubeObject): this {
    if (!this.kinds.serves(apiVersion, plural)) {
      throw new Error(
        `the fake cluster does not serve ${apiVersion} ${plural}; name it in its crds`,
      );
    }
    const key = this.kinds.storageKey(apiVersion, plural);
    const list = this.objects.get(key) ?? [];
    list.push(object);
    this.objects.set(key, list);
    return this;
  }

  /** Removes the objects of a type that match; returns them. */
  remove(
    apiVersion: string,
    plural: string,
    match: (object: KubeObject) => boolean,
  ): KubeObject[] {
    const key = this.kinds.storageKey(apiVersion, plural);
    const list = this.objects.get(key) ?? [];
    this.objects.set(
      key,
      list.filter(o => !match(o)),
    );
    return list.filter(match);
  }

  namespace(
    name: string,
    labels: Record<string, string> = {},
    annotations: Record<string, string> = {},
  ) {
    return this.add('v1', 'namespaces', {
      metadata: { name, labels, annotations },
    });
  }

  /**
   * A Deployment and its pods. `pod(i)` customizes each pod (containers,
   * labels, annotations).
   */
  deployment(
    namespace: string,
    name: string,
    options: {
      labels?: Record<string, string>;
      pods: number;
      pod?: (
        i: number,
      ) => Partial<KubeObject> & { containers?: any[]; initContainers?: any[] };
      templateLabels?: Record<string, string>;
      templateAnnotations?: Record<string, string>;
      ready?: boolean;
    },
  ) {
    const selector = { app: name };
    this.add('apps/v1', 'deployments', {
      metadata: { name, namespace, labels: { ...selector, ...options.labels } },
      spec: {
        replicas: options.pods,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...selector, ...options.templateLabels },
            annotations: options.templateAnnotations,
          },
        },
      },
      status: { readyReplicas: options.ready === false ? 0 : options.pods },
    });
    for (let i = 0; i < options.pods; i++) {
      const custom = options.pod?.(i) ?? {};
      this.add('v1', 'pods', {
        metadata: {
          name: `${name}-abc-${i}`,
          namespace,
          ...custom.metadata,
          labels: {
            ...selector,
            ...options.labels,
            ...custom.metadata?.labels,
          },
        },
        spec: {
          containers: [
            { name, image: `example/${name}:1` },
            ...(custom.containers ?? []),
          ],
          initContainers: custom.initContainers,
        },
      });
    }
    return this;
  }

  /**
   * Answers a GET of the Kubernetes API path, like an API server would;
   * `query` holds labelSelector, limit and continue (a string is a label
   * selector alone).
   */
  handle(path: string, query: URLSearchParams | string | null): FakeAnswer {
    const params =
      query instanceof URLSearchParams
        ? query
        : new URLSearchParams(query === null ? {} : { labelSelector: query });
    const fault = this.faults.find(f => f.path.test(path));
    if (fault) return fault.answer(path);
    const notFound = {
      status: 404,
      body: statusBody(404, 'NotFound', `the server could not find ${path}`),
    };
    const m = path.match(
      /^\/(api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?$/,
    );
    if (!m) return notFound;
    const [, prefix, namespace, plural, name] = m;
    const apiVersion = prefix.replace(/^apis?\//, '');
    if (!plural && !namespace) {
      const discovery = this.kinds.resourceList(apiVersion);
      return discovery ? { status: 200, body: discovery } : notFound;
    }
    let items: KubeObject[];
    let wanted = name;
    if (!plural) {
      // GET /api/v1/namespaces/<name>
      if (prefix !== 'api/v1' || !namespace) return notFound;
      items = this.objects.get('|namespaces') ?? [];
      wanted = namespace;
    } else {
      if (!this.kinds.serves(apiVersion, plural)) return notFound;
      items = (
        this.objects.get(this.kinds.storageKey(apiVersion, plural)) ?? []
      ).map(o => this.kinds.atVersion(o, apiVersion));
      if (namespace !== undefined) {
        items = items.filter(o => o.metadata.namespace === namespace);
      }
    }
    if (wanted) {
      const found = items.find(o => o.metadata.name === wanted);
      return found ? { status: 200, body: found } : notFound;
    }
    const selector = params.get('labelSelector');
    if (selector !== null) {
      let matches: (labels: Record<string, string> | undefined) => boolean;
      try {
        matches = labelSelectorPredicate(selector);
      } catch (e) {
        if (!(e instanceof SelectorSyntaxError)) throw e;
        return { status: 400, body: statusBody(400, 'BadRequest', e.message) };
      }
      items = items.filter(o => matches(o.metadata.labels));
    }
    return this.page(items, params);
  }

  /** One page of a list, in key order, as etcd returns it. */
  private page(all: KubeObject[], params: URLSearchParams): FakeAnswer {
    const items = [...all].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const limit = Number(params.get('limit') ?? 0);
    let start = 0;
    const token = params.get('continue');
    if (token) {
      let t: { epoch?: unknown; after?: unknown } | undefined;
      try {
        t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      } catch {
        t = undefined;
      }
      if (typeof t?.epoch !== 'number' || typeof t.after !== 'string') {
        return {
          status: 400,
          body: statusBody(400, 'BadRequest', 'continue key is not valid'),
        };
      }
      if (t.epoch < this.epoch) {
        return { status: 410, body: statusBody(410, 'Expired', EXPIRED) };
      }
      const after = t.after;
      start = items.findIndex(o => keyOf(o) > after);
      if (start < 0) start = items.length;
    }
    const rest = items.slice(start);
    if (!(limit > 0) || rest.length <= limit) {
      return { status: 200, body: { kind: 'List', metadata: {}, items: rest } };
    }
    const page = rest.slice(0, limit);
    const next = Buffer.from(
      JSON.stringify({ epoch: this.epoch, after: keyOf(page[limit - 1]) }),
    ).toString('base64url');
    return {
      status: 200,
      body: {
        kind: 'List',
        metadata: { continue: next, remainingItemCount: rest.length - limit },
        items: page,
      },
    };
  }
}
