import { ResponseErrorPanel } from '@backstage/core-components';
import { describeError } from '../lib/errors';

/**
 * A failed load, with the cause in the title: the panel's details are
 * collapsed, and "Could not load" alone tells nobody what to fix.
 */
export function LoadError(props: { what: string; error?: Error }) {
  const error = props.error ?? new Error('No answer from the mesh backend');
  return (
    <ResponseErrorPanel
      error={error}
      title={`Could not load ${props.what}: ${describeError(error)}`}
    />
  );
}
