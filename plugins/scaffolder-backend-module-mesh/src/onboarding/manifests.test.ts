import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { writeManifests } from './manifests';
import { DesiredState, OnboardingRequest } from './types';

describe('writeManifests', () => {
  const workspace = createMockDirectory();
  const outside = createMockDirectory();
  const request = {
    cluster: 'homelab',
    namespace: 'sensors',
    mesh: 'linkerd',
    dataPlane: 'sidecar',
    mtlsMode: 'permissive',
    defaultPolicy: 'none',
    allowFrom: [],
  } as unknown as OnboardingRequest;
  const desired = {
    namespace: {
      labels: {},
      annotations: { 'linkerd.io/inject': 'enabled' },
    },
    objects: [],
    resourceTypes: [],
    restartNeeded: false,
    notes: [],
  } as unknown as DesiredState;

  beforeEach(() => {
    workspace.clear();
    outside.clear();
  });

  it('writes plain files', async () => {
    const written = await writeManifests({
      workspacePath: workspace.path,
      directory: 'mesh/homelab/sensors',
      request,
      desired,
    });
    expect(written).toEqual([
      'mesh/homelab/sensors/namespace.yaml',
      'mesh/homelab/sensors/kustomization.yaml',
    ]);
  });

  it('refuses a symlinked target directory and writes nothing through it', async () => {
    fs.mkdirSync(path.join(workspace.path, 'mesh'));
    fs.symlinkSync(outside.path, path.join(workspace.path, 'mesh/homelab'));
    await expect(
      writeManifests({
        workspacePath: workspace.path,
        directory: 'mesh/homelab/sensors',
        request,
        desired,
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^manifestsDirectory: "mesh\/homelab" in the workspace is a symbolic link/,
      ),
    });
    expect(fs.readdirSync(outside.path)).toEqual([]);
  });

  it("refuses a symlink in a manifest file's place", async () => {
    const dir = path.join(workspace.path, 'm');
    fs.mkdirSync(dir);
    const victim = path.join(outside.path, 'victim');
    fs.writeFileSync(victim, 'keep');
    fs.symlinkSync(victim, path.join(dir, 'namespace.yaml'));
    await expect(
      writeManifests({
        workspacePath: workspace.path,
        directory: 'm',
        request,
        desired,
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
  });

  it('refuses a directory outside the workspace', async () => {
    await expect(
      writeManifests({
        workspacePath: workspace.path,
        directory: '../elsewhere',
        request,
        desired,
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/outside the workspace/),
    });
  });
});
