/**
 * Types, annotation keys, permissions and grading rules shared by the
 * Meshlens plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './annotations';
export * from './permissions';
export * from './grading';
export * from './summarize';
export * from './checks';
export * from './meshComparison';
export * from './cost';
export * from './proxyCostFigures';
