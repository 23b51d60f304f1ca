/**
 * Scaffolder actions that put a namespace into a service mesh safely and
 * record the decision: `mesh:namespace:onboard`, `mesh:check`,
 * `mesh:adr:create`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleMesh as default } from './module';
export { createMeshNamespaceOnboardAction } from './actions/meshNamespaceOnboard';
export type { MeshNamespaceOnboardActionOptions } from './actions/meshNamespaceOnboard';
export type { OnboardingTargetsResolver } from './actions/onboardingScope';
export { createMeshCheckAction } from './actions/meshCheck';
export type { MeshCheckActionOptions } from './actions/meshCheck';
export { createMeshAdrCreateAction } from './actions/meshAdrCreate';
export type {
  KubernetesClientFactory,
  MeshClusterActionOptions,
  StableTemplateAction,
} from './actions/options';
export type { OnboardingSettings } from './config';
export type {
  ChangeRecord,
  DefaultPolicy,
  MtlsSetting,
  OnboardingRequest,
} from './onboarding/types';
