export interface Config {
  /** Meshlens: service-mesh status of catalog entities. */
  mesh?: {
    /**
     * Per-cluster settings. `name` is a cluster name from the `kubernetes`
     * config: Meshlens reaches clusters through the Kubernetes backend and
     * has no cluster credentials of its own.
     */
    clusters?: Array<{
      /** A cluster name of the Kubernetes plugin's configuration. */
      name: string;
      /** The PromQL HTTP API that scrapes this cluster's mesh proxies. */
      prometheus?: {
        /**
         * Base URL of a Prometheus-compatible API (Prometheus, Thanos, Mimir),
         * e.g. http://prometheus:9090. Credentials in it (`https://user:pass@host`)
         * are sent as Basic auth and redacted from every error, log line, cache
         * entry and search document.
         * @visibility secret
         */
        url: string;
        /**
         * Headers sent with every query, e.g. `Authorization` or `X-Scope-OrgID` for Mimir.
         * @visibility secret
         */
        headers?: { [name: string]: string };
      };
      /**
       * Deep-link templates into the meshes' own dashboards, shown by the
       * frontend. `{namespace}`, `{workload}` and `{cluster}` are replaced
       * (URL-encoded).
       */
      links?: {
        /** Linkerd viz dashboard, e.g. http://viz.example/namespaces/{namespace}/deployments/{workload} */
        linkerdViz?: string;
        /** Kiali, e.g. https://kiali.example/kiali/console/namespaces/{namespace}/workloads/{workload} */
        kiali?: string;
        /** Grafana, e.g. https://grafana.example/d/abc?var-namespace={namespace}&var-workload={workload} */
        grafana?: string;
      };
    }>;
    /** Default metrics window, a Prometheus duration such as 5m (the default). */
    window?: string;
    /**
     * Longest `window` a request may ask for, a Prometheus duration; default
     * 1d. Longer windows are refused with a 400 that names this key.
     */
    maxWindow?: string;
    /** Time-series limits. */
    timeseries?: {
      /**
       * Longest `range` of a time-series request, a Prometheus duration;
       * default 7d. At most 1000 points are served whatever the range.
       */
      maxRange?: string;
    };
    /**
     * Most entries Meshlens keeps in the Backstage cache service at once;
     * default 5000. The oldest are deleted first. Backstage's memory store has
     * no bound of its own, so this is what keeps its memory flat.
     */
    cacheMaxEntries?: number;
    /** Timeout of every upstream request (Kubernetes, Prometheus) in milliseconds; default 5000. */
    timeoutMs?: number;
    /**
     * Most bytes read from one Prometheus answer; default 16777216 (16 MiB).
     * A larger answer becomes an entry in `errors`, never a 500.
     */
    maxResponseBytes?: number;
    /** Limits of the reads of Kubernetes (through the Kubernetes backend's proxy). */
    kubernetes?: {
      /**
       * Most bytes read from one Kubernetes answer, that is one page of a
       * LIST (500 objects) or one object; default 33554432 (32 MiB). A larger
       * answer stops downloading and becomes an entry in `errors` naming the
       * cluster, never a 500.
       */
      maxResponseBytes?: number;
      /**
       * Most objects one LIST may return in all its pages; default 100000.
       * More becomes an entry in `errors` naming the cluster.
       */
      maxListItems?: number;
    };
    /** How long results are cached, in seconds; default 15. 0 turns caching off. */
    cacheTtlSeconds?: number;
    cache?: {
      /**
       * Refresh-ahead of the shared snapshot; default false. When true, a
       * request that finds a shared answer (every cluster read under the
       * plugin's own identity) in the last fifth of its TTL is answered from
       * it at once, and the backend reads those clusters again in the
       * background, once for all callers. A failed refresh is logged and the
       * old answer stays until its TTL ends. Answers read with a user's
       * cluster token are never refreshed. It costs up to one extra read of
       * each cluster per TTL while the answer is in use; see the README's
       * benchmark.
       */
      refreshAhead?: boolean;
    };
    /**
     * How long the backend remembers the Kubernetes backend's cluster list and
     * where each cluster's control planes run, in seconds; default 600. With it,
     * a request whose result is not cached reads everything in one round,
     * confirming the remembered facts in the same round. 0 reads them first,
     * every time.
     */
    topologyHintSeconds?: number;
    /** Certificate expiry thresholds. */
    certificates?: {
      /** Days left at or below which a certificate is `warning`; default 30. */
      warningDays?: number;
      /** Days left at or below which a certificate is `critical`; default 7. */
      criticalDays?: number;
      /**
       * Also read the certificates kept in Secrets (Linkerd's
       * `linkerd-identity-issuer`, Istio's `cacerts` and `istio-ca-secret`,
       * webhook Secrets); default false.
       *
       * RISK: those Secrets hold the mesh's private keys. Turning this on
       * means granting the Kubernetes identity Meshlens reads with `get` on
       * them, and anyone who obtains that identity's token can mint mesh
       * identities. Meshlens decodes only the public certificate keys and
       * only the public certificate ever leaves the process, but the grant
       * itself is the risk. Without it, trust anchors come from the public
       * ConfigMaps, and issuer and CA expiry from the control planes'
       * metrics and cert-manager `Certificate` status.
       */
      readSecrets?: boolean;
    };
  };
}
