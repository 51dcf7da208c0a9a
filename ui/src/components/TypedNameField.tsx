import { Field, Input } from '@fluentui/react-components';

/**
 * The field a destructive dialog asks the user to type a name into; the dialog keeps its
 * button off until the name matches. No spelling help or autofill: the point is to type it.
 */
export function TypedNameField({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <Field label={label}>
      <Input
        value={value}
        onChange={(_, data) => onChange(data.value)}
        data-testid={testId}
        spellCheck={false}
        autoComplete="off"
      />
    </Field>
  );
}
