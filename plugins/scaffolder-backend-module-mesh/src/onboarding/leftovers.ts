import { KubeResourceType } from '@meshlens/plugin-mesh-node';
import { PlannedWrite, RESTARTED_AT } from './writes';

/**
 * What a failed rollback left in the cluster, with the commands that
 * finish it by hand.
 * @public
 */
export interface OnboardingLeftover {
  kind: string;
  name: string;
  namespace?: string;
  /** What is left, and why it could not be undone. */
  state: string;
  /** kubectl commands that put it back as it was before the run. */
  commands: string[];
}

/** Single-quotes a shell word; names are validated, values may be anything. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(word)
    ? word
    : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `plural.group`, as kubectl names a kind without ambiguity. */
export function kubectlResource(type: KubeResourceType): string {
  const group = type.apiVersion.includes('/')
    ? type.apiVersion.split('/')[0]
    : '';
  return group ? `${type.plural}.${group}` : type.plural;
}

const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function keyArgs(keys: Record<string, string | null>): string[] {
  return Object.entries(keys).map(([k, v]) =>
    v === null ? shellQuote(`${k}-`) : shellQuote(`${k}=${v}`),
  );
}

/** The kubectl commands that undo `write` by hand. */
export function undoCommands(write: PlannedWrite): string[] {
  const ns = write.namespace ? ` -n ${write.namespace}` : '';
  const resource = kubectlResource(write.type);
  switch (write.op) {
    case 'object': {
      if (!write.live) {
        return [`kubectl${ns} delete ${resource} ${write.name}`];
      }
      const { labels, annotations } = write.live.metadata;
      const operations = [
        { op: 'add', path: '/spec', value: write.live.spec ?? {} },
        { op: 'add', path: '/metadata/labels', value: labels ?? {} },
        {
          op: 'add',
          path: '/metadata/annotations',
          value: annotations ?? {},
        },
      ];
      return [
        `kubectl${ns} patch ${resource} ${
          write.name
        } --type json -p ${shellQuote(JSON.stringify(operations))}`,
      ];
    }
    case 'namespace': {
      const commands: string[] = [];
      const labels = keyArgs(write.previous.labels);
      const annotations = keyArgs(write.previous.annotations);
      if (labels.length) {
        commands.push(
          `kubectl label namespace ${write.name} --overwrite ${labels.join(
            ' ',
          )}`,
        );
      }
      if (annotations.length) {
        commands.push(
          `kubectl annotate namespace ${
            write.name
          } --overwrite ${annotations.join(' ')}`,
        );
      }
      return commands;
    }
    default: {
      const path = `/spec/template/metadata/annotations/${pointer(
        RESTARTED_AT,
      )}`;
      const operation =
        write.previous === null
          ? { op: 'remove', path }
          : { op: 'replace', path, value: write.previous };
      return [
        `kubectl${ns} patch ${resource} ${
          write.name
        } --type json -p ${shellQuote(JSON.stringify([operation]))}`,
      ];
    }
  }
}
