import { Spinner } from '@fluentui/react-components';
import type { Loaded } from '../data/query';
import { ErrorMessage } from './ErrorMessage';

/**
 * What a query shows before it has an answer, the same on every page: a small spinner saying
 * what is loading, or the error. Nothing before it starts or once it has loaded.
 */
export function LoadStatus({ state, label, testId }: { state: Loaded<unknown> | null | undefined; label: string; testId?: string }) {
  if (state?.kind === 'loading') return <Spinner size="small" label={label} data-testid={testId} />;
  if (state?.kind === 'error') return <ErrorMessage error={state.error} />;
  return null;
}
