export interface Config {
  mesh?: {
    /** Settings of the Meshlens scaffolder actions (mesh:namespace:onboard, mesh:check). */
    onboarding?: {
      /**
       * How long mesh:namespace:onboard waits, after a rolling restart, for
       * every pod to run with the mesh's data plane. Seconds; default 120.
       */
      rolloutTimeoutSeconds?: number;
      /** How often it looks at the pods while waiting. Seconds; default 2. */
      rolloutPollIntervalSeconds?: number;
      /**
       * Namespaces never onboarded, beside the built-in system and mesh
       * namespaces (kube-*, linkerd*, istio-system, cilium, cert-manager...).
       */
      protectedNamespaces?: string[];
    };
  };
}
