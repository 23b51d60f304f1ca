import {
  MeshCheck,
  MeshCheckDefinition,
  checkResult,
} from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../index';

/** The mesh's own containers of a pod, by name. */
export interface MeshContainerNames {
  proxy: string;
  /** Init containers the mesh injects (iptables setup, CNI validation). */
  init: string[];
}

/**
 * The application init containers of a pod that start before a proxy
 * injected as a regular container. With the proxy as a native sidecar (an
 * init container with `restartPolicy: Always`, ahead of them) they are not
 * returned: the proxy already runs when they start.
 */
export function initContainersBeforeProxy(
  pod: KubeObject,
  names: MeshContainerNames,
): string[] {
  const inits: Array<{ name: string; restartPolicy?: string }> =
    pod.spec?.initContainers ?? [];
  const nativeAt = inits.findIndex(
    c => c.name === names.proxy && c.restartPolicy === 'Always',
  );
  const regularProxy = (pod.spec?.containers ?? []).some(
    (c: { name: string }) => c.name === names.proxy,
  );
  if (nativeAt < 0 && !regularProxy) return [];
  return inits
    .filter((c, i) => (nativeAt < 0 || i < nativeAt) && c.name !== names.proxy)
    .map(c => c.name)
    .filter(name => !names.init.includes(name));
}

/**
 * One finding for the entity's workloads whose application init containers
 * start before the proxy, with the patch that makes it a native sidecar.
 */
export function initBeforeProxyCheck(
  context: MeshAssessmentContext,
  options: {
    definition: MeshCheckDefinition;
    names: MeshContainerNames;
    /** The pod-template annotation that asks for a native sidecar. */
    nativeSidecarAnnotation: string;
    /** Said after the finding, e.g. what does not help. */
    note?: string;
    /** Said before the patches, e.g. the versions that support them. */
    requires?: string;
    /** The other way out, after the patches. */
    otherwise: string;
  },
): MeshCheck[] {
  const ns = context.namespaceName;
  const early = context.workloads.flatMap(w => {
    const names = [
      ...new Set(
        w.pods.flatMap(p => initContainersBeforeProxy(p, options.names)),
      ),
    ];
    return names.length ? [{ w, names }] : [];
  });
  if (early.length === 0) return [];
  const patch = JSON.stringify({
    spec: {
      template: {
        metadata: {
          annotations: { [options.nativeSidecarAnnotation]: 'true' },
        },
      },
    },
  });
  return [
    checkResult(options.definition, {
      message: `${early
        .map(e => `${e.w.name} (${e.names.join(', ')})`)
        .join(', ')}: init containers start before ${
        options.names.proxy
      }, so any connection they open is redirected to a proxy that is not running yet and fails${
        options.note ? ` (${options.note})` : ''
      }`,
      hint: `Run the proxy as a native sidecar, which starts first${
        options.requires ? ` (${options.requires})` : ''
      }: ${early
        .map(
          e =>
            `kubectl patch ${e.w.kind.toLowerCase()} ${
              e.w.name
            } -n ${ns} --type merge -p '${patch}'`,
        )
        .join('; ')}; ${options.otherwise}`,
    }),
  ];
}
