import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

const isMissing = (error: unknown) =>
  (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Resolves `relative` inside the workspace and refuses a path that leaves
 * it, or that passes through a symlink on the way: an earlier template step
 * (a fetched repository) may have planted one to redirect our writes.
 * Components that do not exist yet are fine; they are created as plain
 * directories by `ensureWorkspaceDirectory`.
 */
export async function resolveWorkspacePath(
  workspacePath: string,
  relative: string,
  field: string,
): Promise<string> {
  const root = path.resolve(workspacePath);
  const target = path.resolve(root, relative);
  const inside = path.relative(root, target);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new InputError(
      `${field}: "${relative}" is outside the workspace; give a path relative to the workspace, without ".."`,
    );
  }
  let current = root;
  for (const part of inside.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    let stat;
    try {
      stat = await fs.lstat(current);
    } catch (error) {
      if (isMissing(error)) return target;
      throw error;
    }
    if (stat.isSymbolicLink()) {
      throw new InputError(
        `${field}: "${path.relative(
          root,
          current,
        )}" in the workspace is a symbolic link; Meshlens writes only to plain files and directories (remove the link or choose another directory)`,
      );
    }
  }
  return target;
}

/** `resolveWorkspacePath`, then creates the directory (never through a link). */
export async function ensureWorkspaceDirectory(
  workspacePath: string,
  relative: string,
  field: string,
): Promise<string> {
  const directory = await resolveWorkspacePath(workspacePath, relative, field);
  await fs.mkdir(directory, { recursive: true });
  const stat = await fs.lstat(directory);
  if (!stat.isDirectory()) {
    throw new InputError(
      `${field}: "${relative}" in the workspace is not a directory`,
    );
  }
  return directory;
}

/**
 * Writes one file in a directory checked by `ensureWorkspaceDirectory`.
 * O_NOFOLLOW refuses a symlink in the file's own place; `exclusive` also
 * refuses an existing file.
 */
export async function writeWorkspaceFile(
  directory: string,
  name: string,
  content: string,
  options: { exclusive?: boolean; field: string },
): Promise<string> {
  if (name !== path.basename(name) || name === '..' || name === '.') {
    throw new InputError(`${options.field}: "${name}" is not a file name`);
  }
  const file = path.join(directory, name);
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    (options.exclusive ? constants.O_EXCL : constants.O_TRUNC);
  let handle;
  try {
    handle = await fs.open(file, flags, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new InputError(
        `${options.field}: "${name}" in the workspace is a symbolic link; Meshlens writes only to plain files`,
      );
    }
    if (code === 'EEXIST') {
      throw new InputError(
        `${options.field}: "${name}" already exists in the workspace and is not overwritten`,
      );
    }
    throw error;
  }
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  return file;
}
