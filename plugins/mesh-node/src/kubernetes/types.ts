/**
 * The parts of a Kubernetes object Meshlens reads and writes. Secrets never
 * reach an adapter: certificates are read by the backend from the
 * certificate sources an adapter names.
 * @public
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string }>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
}

/**
 * A kind of Kubernetes object, enough to build its API path.
 * @public
 */
export interface KubeResourceType {
  /** `v1` for the core group, otherwise `group/version`. */
  apiVersion: string;
  kind: string;
  /** The plural resource name used in the URL, e.g. `peerauthentications`. */
  plural: string;
  /** False for cluster-scoped kinds such as `Namespace`; namespaced when unset. */
  namespaced?: boolean;
  /**
   * Older versions of the kind (`group/version`) that reads fall back to,
   * in order, on a cluster that does not serve `apiVersion`: Istio before
   * 1.22 serves PeerAuthentication at `security.istio.io/v1beta1` only.
   * Objects read so keep their own `apiVersion`.
   */
  fallbackApiVersions?: readonly string[];
}

/**
 * One page of a list call.
 * @public
 */
export interface KubeListPage {
  items: KubeObject[];
  /** The token of the next page; undefined on the last page. */
  continue?: string;
}
