import { useState, type ReactNode } from 'react';
import { Button, Field, Input } from '@fluentui/react-components';
import { useMutation } from '../data/query';
import { ErrorMessage } from './ErrorMessage';
import { FormDialog } from './FormDialog';

/**
 * The dialog before a destructive step: it says what will happen and asks for a name typed out.
 * The confirm button stays off until `nameMatches` accepts what was typed (the backend checks the
 * typed name again), Enter confirms once it is on, and a failure shows in the dialog with the
 * typed name kept. Closing is refused while the step runs.
 */
export function ConfirmByNameDialog({
  open,
  title,
  children,
  options,
  nameLabel,
  nameMatches,
  confirmLabel,
  busyLabel,
  onConfirm,
  onClose,
  testIds,
}: {
  open: boolean;
  title: string;
  /** What will happen; shown above the name field. */
  children: ReactNode;
  /** Choices that go with the step, under the name field, so the dialog opens in the field. */
  options?: ReactNode;
  nameLabel: string;
  nameMatches: (typed: string) => boolean;
  confirmLabel: string;
  busyLabel: string;
  /** Runs the step with the typed name, trimmed; the dialog shows what it throws. */
  onConfirm: (typedName: string) => Promise<void>;
  onClose: () => void;
  testIds: { dialog: string; name: string; confirm: string; cancel: string };
}) {
  const [typed, setTyped] = useState('');
  const step = useMutation(async (name: string) => {
    await onConfirm(name);
    return true;
  });
  const busy = step.pending;
  const error = step.error;
  const matches = nameMatches(typed);

  async function confirm() {
    if (await step.run(typed.trim())) setTyped('');
  }

  function close() {
    if (busy) return;
    step.reset();
    setTyped('');
    onClose();
  }

  return (
    <FormDialog
      open={open}
      alert
      title={title}
      onClose={close}
      onSubmit={() => {
        if (matches && !busy) void confirm();
      }}
      testId={testIds.dialog}
      cancel={{ testId: testIds.cancel, disabled: busy }}
      actions={
        <Button type="submit" appearance="primary" disabled={!matches || busy} data-testid={testIds.confirm}>
          {busy ? busyLabel : confirmLabel}
        </Button>
      }
    >
      {children}
      <Field label={nameLabel}>
        {/* No spelling help or autofill: the point is to type the name. */}
        <Input
          value={typed}
          onChange={(_, data) => setTyped(data.value)}
          data-testid={testIds.name}
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      {options}
      {error && <ErrorMessage error={error} />}
    </FormDialog>
  );
}
