import { InputError } from '@backstage/errors';
import {
  assertNamespaceName,
  isDnsLabel,
  isLabelValue,
} from '@meshlens/plugin-mesh-node';
import { OnboardingMesh, OnboardingMeshes } from './meshes';
import { DefaultPolicy, MtlsSetting, OnboardingRequest } from './types';

function oneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
  fallback?: T,
): T {
  if (value === undefined && fallback !== undefined) {
    return fallback;
  }
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new InputError(
      `${field}: "${String(value)}" is not one of ${allowed.join(', ')}`,
    );
  }
  return value as T;
}

function port(field: string, value: unknown): number | string {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value > 0 &&
    value < 65536
  ) {
    return value;
  }
  if (
    typeof value === 'string' &&
    value.length <= 15 &&
    isDnsLabel(value) &&
    /[a-z]/.test(value)
  ) {
    return value;
  }
  throw new InputError(
    `${field}: "${String(
      value,
    )}" is neither a port number (1-65535) nor a port name (at most 15 lowercase letters, digits and '-')`,
  );
}

/**
 * Validates the input of `mesh:namespace:onboard` and `mesh:check`, so a
 * mistake is reported with the field to fix before anything is read.
 */
export function parseOnboardingRequest(
  input: {
    cluster?: unknown;
    namespace?: unknown;
    mesh?: unknown;
    dataPlane?: unknown;
    mtlsMode?: unknown;
    defaultPolicy?: unknown;
    allowFrom?: unknown;
    ports?: unknown;
    istioRevision?: unknown;
    controlPlaneNamespace?: unknown;
    entityRef?: unknown;
    allowStrictWithoutTraffic?: unknown;
  },
  meshes: OnboardingMeshes,
  warn: (message: string) => void,
): { request: OnboardingRequest; mesh: OnboardingMesh } {
  if (typeof input.cluster !== 'string' || input.cluster.trim() === '') {
    throw new InputError(
      'cluster: give the name of a cluster configured in the Kubernetes plugin (kubernetes.clusterLocatorMethods)',
    );
  }
  const namespace = assertNamespaceName(input.namespace, 'namespace');
  const mesh = meshes.resolve(input, warn);
  const mtlsMode = oneOf<MtlsSetting>(
    'mtlsMode',
    input.mtlsMode,
    ['permissive', 'strict'],
    'permissive',
  );
  const defaultPolicy = oneOf<DefaultPolicy>(
    'defaultPolicy',
    input.defaultPolicy,
    ['none', 'allow-same-namespace', 'deny'],
    'none',
  );

  const allowFromInput = input.allowFrom ?? [];
  if (!Array.isArray(allowFromInput)) {
    throw new InputError('allowFrom: give a list of namespace names');
  }
  const allowFrom = [
    ...new Set(
      allowFromInput.map((ns, i) => assertNamespaceName(ns, `allowFrom[${i}]`)),
    ),
  ].filter(ns => ns !== namespace);
  if (allowFrom.length > 0 && defaultPolicy === 'none') {
    throw new InputError(
      'allowFrom: namespaces to allow only mean something with a default policy; set defaultPolicy to allow-same-namespace or deny',
    );
  }

  let ports: Array<number | string> | undefined;
  if (input.ports !== undefined) {
    if (!Array.isArray(input.ports)) {
      throw new InputError('ports: give a list of port numbers or names');
    }
    ports = input.ports.map((p, i) => port(`ports[${i}]`, p));
  }

  let revision: string | undefined;
  if (input.istioRevision !== undefined && input.istioRevision !== '') {
    if (!mesh.adapter.onboarding.revisions) {
      throw new InputError(
        `istioRevision: only applies to mesh ${meshes.adapters
          .filter(a => a.onboarding.revisions)
          .map(a => a.mesh)
          .join(' or ')}, not ${mesh.adapter.mesh}`,
      );
    }
    if (
      typeof input.istioRevision !== 'string' ||
      !isLabelValue(input.istioRevision)
    ) {
      throw new InputError(
        `istioRevision: "${String(
          input.istioRevision,
        )}" is not a valid label value`,
      );
    }
    revision = input.istioRevision;
  }

  const controlPlaneNamespace =
    input.controlPlaneNamespace === undefined ||
    input.controlPlaneNamespace === ''
      ? undefined
      : assertNamespaceName(
          input.controlPlaneNamespace,
          'controlPlaneNamespace',
        );

  let entityRef: string | undefined;
  if (input.entityRef !== undefined && input.entityRef !== '') {
    if (typeof input.entityRef !== 'string') {
      throw new InputError('entityRef: give an entity reference as a string');
    }
    entityRef = input.entityRef;
  }

  const override = input.allowStrictWithoutTraffic ?? false;
  if (typeof override !== 'boolean') {
    throw new InputError('allowStrictWithoutTraffic: give true or false');
  }

  return {
    mesh,
    request: {
      cluster: input.cluster,
      namespace,
      mesh: mesh.adapter.mesh,
      dataPlane: mesh.dataPlane.id,
      mtlsMode,
      defaultPolicy,
      allowFrom,
      ports,
      revision,
      controlPlaneNamespace,
      entityRef,
      ...(override ? { allowStrictWithoutTraffic: true } : {}),
    },
  };
}
