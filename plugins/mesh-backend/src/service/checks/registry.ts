import { InputError } from '@backstage/errors';
import {
  CHECK_ID_PATTERN,
  MeshCheckDefinition,
} from '@meshlens/plugin-mesh-common';
import { MeshAdapter } from '@meshlens/plugin-mesh-node';
import { COMMON_CHECKS } from './catalogue';

/**
 * Every registered check: the common ones and each adapter's. Two adapters
 * defining one ID differently is a programming error, reported at start-up;
 * the same definition twice (an adapter extending another) is one check.
 */
export function checkCatalogue(
  adapters: MeshAdapter[],
): Map<string, MeshCheckDefinition & { source: string }> {
  const out = new Map<string, MeshCheckDefinition & { source: string }>();
  const add = (source: string, definitions: MeshCheckDefinition[]) => {
    for (const d of definitions) {
      const other = out.get(d.id);
      // An adapter that extends a built-in one shares its checks.
      if (other && other.title === d.title && other.severity === d.severity) {
        continue;
      }
      if (other) {
        throw new TypeError(
          `Check ID ${d.id} is registered by both ${other.source} and ${source}`,
        );
      }
      out.set(d.id, { ...d, source });
    }
  };
  add('common', Object.values(COMMON_CHECKS));
  for (const adapter of adapters) {
    add(`adapter ${adapter.mesh}`, adapter.checkDefinitions ?? []);
  }
  return out;
}

/**
 * The check IDs of a `check` query parameter (repeated, or comma
 * separated), each a registered one; an InputError names the unknown ones.
 */
export function parseCheckFilter(
  value: unknown,
  registered: ReadonlySet<string>,
): string[] | undefined {
  if (value === undefined) return undefined;
  const raw = (Array.isArray(value) ? value : [value]).flatMap(v =>
    typeof v === 'string' ? v.split(',') : [v],
  );
  const ids = raw.map(v => (typeof v === 'string' ? v.trim() : v));
  const malformed = ids.filter(
    id => typeof id !== 'string' || !CHECK_ID_PATTERN.test(id),
  );
  if (malformed.length > 0) {
    throw new InputError(
      `Invalid check ID ${JSON.stringify(
        malformed[0],
      )}: use IDs such as MESH-LNK-001 (docs/checks/README.md lists them)`,
    );
  }
  const unknown = (ids as string[]).filter(id => !registered.has(id));
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown check ID ${unknown.join(
        ', ',
      )}: docs/checks/README.md lists the registered ones`,
    );
  }
  return [...new Set(ids as string[])];
}
