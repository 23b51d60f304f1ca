import { KubeObject } from '@meshlens/plugin-mesh-node';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { DesiredState, OnboardingRequest } from './types';
import {
  ensureWorkspaceDirectory,
  writeWorkspaceFile,
} from '../workspace/safeFiles';

function withoutRemovals(values: Record<string, string | null>) {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== null),
  ) as Record<string, string>;
}

function namespaceManifest(
  request: OnboardingRequest,
  desired: DesiredState,
): { object: KubeObject; header: string } {
  const labels = withoutRemovals(desired.namespace.labels);
  const annotations = withoutRemovals(desired.namespace.annotations);
  const removals = [
    ...Object.entries(desired.namespace.labels)
      .filter(([, v]) => v === null)
      .map(([k]) => `label ${k}`),
    ...Object.entries(desired.namespace.annotations)
      .filter(([, v]) => v === null)
      .map(([k]) => `annotation ${k}`),
  ];
  const header = removals.length
    ? `# Also remove from the namespace, if present: ${removals.join(', ')}\n`
    : '';
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: request.namespace,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
    },
    header,
  };
}

/**
 * Writes the desired state as one YAML file per object plus a
 * kustomization.yaml under `directory` of the workspace; returns the
 * written paths relative to the workspace.
 */
export async function writeManifests(options: {
  workspacePath: string;
  directory: string;
  request: OnboardingRequest;
  desired: DesiredState;
}): Promise<string[]> {
  const { workspacePath, directory, request, desired } = options;
  const target = await ensureWorkspaceDirectory(
    workspacePath,
    directory,
    'manifestsDirectory',
  );

  const files: Array<{ name: string; content: string }> = [];
  const ns = namespaceManifest(request, desired);
  if (ns.object.metadata.labels || ns.object.metadata.annotations) {
    files.push({
      name: 'namespace.yaml',
      content: `${ns.header}${toYaml(ns.object)}`,
    });
  }
  for (const obj of desired.objects) {
    files.push({
      name: `${obj.kind!.toLowerCase()}-${obj.metadata.name}.yaml`,
      content: toYaml(obj),
    });
  }
  files.push({
    name: 'kustomization.yaml',
    content: toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: files.map(f => f.name),
    }),
  });

  const written: string[] = [];
  for (const file of files) {
    const filePath = await writeWorkspaceFile(target, file.name, file.content, {
      field: 'manifestsDirectory',
    });
    written.push(path.relative(workspacePath, filePath));
  }
  return written;
}
