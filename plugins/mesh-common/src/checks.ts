import { CheckStatus, MeshCheck } from './types';

/**
 * A coded check of the catalogue: what every result of it carries, and
 * what its page `docs/checks/<id>.md` explains.
 * @public
 */
export interface MeshCheckDefinition {
  /** Stable and never reused, e.g. `MESH-LNK-001` (see {@link CHECK_ID_PATTERN}). */
  id: string;
  /** The status it reports when it finds the mistake at its worst. */
  severity: Exclude<CheckStatus, 'pass'>;
  title: string;
  /**
   * The same check in the mesh's own tools, e.g. `istioctl analyze IST0102`,
   * a Kiali validation code or a `linkerd check` item; absent when none
   * checks it.
   */
  sameAs?: string;
}

/**
 * `MESH-<source>-<number>`: the source is `COM` for the checks every mesh
 * shares, or three capitals that an adapter owns (the built-in ones use
 * `LNK`, `IST`, `AMB` and `CIL`).
 * @public
 */
export const CHECK_ID_PATTERN = /^MESH-[A-Z]{3}-\d{3}$/;

/**
 * Validates a set of definitions (pattern, unique IDs) and returns it as
 * given, so that call sites keep their names.
 * @public
 */
export function defineChecks<T extends Record<string, MeshCheckDefinition>>(
  definitions: T,
): T {
  const seen = new Set<string>();
  for (const definition of Object.values(definitions)) {
    if (!CHECK_ID_PATTERN.test(definition.id)) {
      throw new TypeError(
        `Check ID ${definition.id} does not match MESH-XXX-000`,
      );
    }
    if (seen.has(definition.id)) {
      throw new TypeError(`Check ID ${definition.id} is defined twice`);
    }
    seen.add(definition.id);
  }
  return definitions;
}

/**
 * One result of a coded check. A finding takes the check's severity
 * unless `status` says otherwise (e.g. `warn` for a certificate that
 * expires soon, `fail` once expired).
 * @public
 */
export function checkResult(
  definition: MeshCheckDefinition,
  result: { status?: CheckStatus; message: string; hint?: string },
): MeshCheck {
  return {
    id: definition.id,
    title: definition.title,
    status: result.status ?? definition.severity,
    message: result.message,
    hint: result.hint ?? '',
  };
}

/**
 * The IDs of the checks that warn or fail, each once, sorted.
 * @public
 */
export function failingCheckIds(checks: MeshCheck[]): string[] {
  return [
    ...new Set(checks.filter(c => c.status !== 'pass').map(c => c.id)),
  ].sort();
}

/**
 * `1 certificate`, `2 certificates`: a count with its noun, singular for one.
 * @public
 */
export function countOf(count: number, singular: string, plural?: string) {
  return `${count} ${count === 1 ? singular : plural ?? `${singular}s`}`;
}
