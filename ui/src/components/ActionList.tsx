import { Fragment, useId } from 'react';
import { Body1, Button, makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  // Buttons in one column, each description beside its button: the whole list reads at a
  // glance and fits the default window, where a card per action needed twice the height.
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalM,
    alignItems: 'center',
  },
  button: { justifySelf: 'stretch' },
});

export interface Action {
  /** The test id of the button. */
  testId: string;
  label: string;
  description: string;
  primary?: boolean;
  disabled?: boolean;
  onClick: () => void;
}

/** A column of buttons, each with a sentence beside it saying what it does. */
export function ActionList({ actions, testId }: { actions: Action[]; testId?: string }) {
  const styles = useStyles();
  const idPrefix = useId();
  return (
    <div className={styles.list} data-testid={testId}>
      {actions.map((action) => {
        const descriptionId = `${idPrefix}-${action.testId}`;
        return (
          <Fragment key={action.testId}>
            <Button
              className={styles.button}
              appearance={action.primary ? 'primary' : 'secondary'}
              disabled={action.disabled}
              onClick={action.onClick}
              aria-describedby={descriptionId}
              data-testid={action.testId}
            >
              {action.label}
            </Button>
            <Body1 id={descriptionId}>{action.description}</Body1>
          </Fragment>
        );
      })}
    </div>
  );
}
