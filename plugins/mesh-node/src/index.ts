/**
 * Extension points and the status service of the Meshlens backend.
 *
 * @packageDocumentation
 */
export * from './statusService';
export * from './adapters';
export * from './promql';
