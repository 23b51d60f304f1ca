import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import {
  ensureWorkspaceDirectory,
  resolveWorkspacePath,
  writeWorkspaceFile,
} from './safeFiles';

describe('workspace files', () => {
  const workspace = createMockDirectory();
  const outside = createMockDirectory();

  beforeEach(() => {
    workspace.clear();
    outside.clear();
  });

  it.each(['../x', '/etc', 'a/../../x'])(
    'refuses %s, outside the workspace',
    async relative => {
      await expect(
        resolveWorkspacePath(workspace.path, relative, 'manifestsDirectory'),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^manifestsDirectory: ".*" is outside the workspace/,
        ),
      });
    },
  );

  it('creates plain directories and writes a file', async () => {
    const dir = await ensureWorkspaceDirectory(workspace.path, 'a/b', 'dir');
    await writeWorkspaceFile(dir, 'f.yaml', 'x: 1\n', { field: 'dir' });
    expect(
      fs.readFileSync(path.join(workspace.path, 'a/b/f.yaml'), 'utf8'),
    ).toBe('x: 1\n');
  });

  it('refuses a symlink anywhere on the way, even deep', async () => {
    fs.mkdirSync(path.join(workspace.path, 'a'));
    fs.symlinkSync(outside.path, path.join(workspace.path, 'a/b'));
    await expect(
      ensureWorkspaceDirectory(workspace.path, 'a/b/c', 'dir'),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'dir: "a/b" in the workspace is a symbolic link; Meshlens writes only to plain files and directories (remove the link or choose another directory)',
    });
    expect(fs.readdirSync(outside.path)).toEqual([]);
  });

  it("refuses a symlink in the file's own place, overwriting or not", async () => {
    const dir = await ensureWorkspaceDirectory(workspace.path, 'm', 'dir');
    const victim = path.join(outside.path, 'victim');
    fs.writeFileSync(victim, 'keep');
    fs.symlinkSync(victim, path.join(dir, 'ns.yaml'));
    for (const exclusive of [false, true]) {
      await expect(
        writeWorkspaceFile(dir, 'ns.yaml', 'evil', { field: 'dir', exclusive }),
      ).rejects.toMatchObject({ name: 'InputError' });
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
  });

  it('refuses a name with a directory part', async () => {
    const dir = await ensureWorkspaceDirectory(workspace.path, 'm', 'dir');
    await expect(
      writeWorkspaceFile(dir, '../x', 'evil', { field: 'dir' }),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
