export interface Config {
  /** Frontend settings of the Meshlens plugin. */
  mesh?: {
    /**
     * How often the mesh tab, card and fleet page reload their data, in
     * seconds. 0 turns auto-refresh off. Defaults to 30.
     * @visibility frontend
     */
    refreshIntervalSeconds?: number;
  };
}
