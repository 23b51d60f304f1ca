import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { KubernetesClusterClient } from '@meshlens/plugin-mesh-node';
import { ChangeRecord } from './types';
import { sendWrite } from './writeOps';
import { PlannedWrite } from './writes';

/**
 * What the API server answered to one write sent with `dryRun=All`.
 * @public
 */
export interface PreviewResult extends ChangeRecord {
  result:
    | 'ok'
    | 'forbidden'
    | 'invalid'
    | 'conflict'
    | 'unknown-kind'
    | 'error';
  /** The server's words, or what it would do. */
  message: string;
}

function judge(
  write: PlannedWrite,
  error: unknown,
): Pick<PreviewResult, 'result' | 'message'> {
  const message = error instanceof Error ? error.message : String(error);
  const { kind, apiVersion } = write.change;
  if (error instanceof NotAllowedError) {
    return { result: 'forbidden', message };
  }
  if (error instanceof InputError) return { result: 'invalid', message };
  if (error instanceof ConflictError) return { result: 'conflict', message };
  if (error instanceof NotFoundError && write.op === 'object') {
    return {
      result: 'unknown-kind',
      message: `the cluster does not serve ${kind} in ${apiVersion}: install the mesh's CRDs in that version (${message})`,
    };
  }
  return { result: 'error', message };
}

/**
 * Sends every write of the plan with `dryRun=All`: admission, RBAC,
 * validation, conflicts and missing kinds answer as for the real write,
 * and nothing is stored.
 */
export async function previewWrites(
  api: KubernetesClusterClient,
  writes: PlannedWrite[],
  options: { signal?: AbortSignal; timeoutMs?: number },
): Promise<PreviewResult[]> {
  const results: PreviewResult[] = [];
  for (const write of writes) {
    try {
      await sendWrite(api, write, { ...options, dryRun: true });
      results.push({
        ...write.change,
        result: 'ok',
        message: 'the API server accepts it (dry run)',
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      results.push({ ...write.change, ...judge(write, error) });
    }
  }
  return results;
}

/** The refusals of a preview, one line each, for a message. */
export function describeRefusals(results: PreviewResult[]): string {
  return results
    .filter(r => r.result !== 'ok')
    .map(r => `- ${r.description}: ${r.result}: ${r.message}`)
    .join('\n');
}
