import type { ReactNode } from 'react';
import { MessageBar, MessageBarBody, MessageBarTitle, makeStyles, type MessageBarProps } from '@fluentui/react-components';
import type { AppError } from '../backend';

const useStyles = makeStyles({
  ownLine: { display: 'block' },
});

/**
 * A message bar the way the app writes them: a bold title (on its own line with `titleOwnLine`)
 * then the text, wrapped over several lines unless `layout` says otherwise. Other properties
 * (intent, test ids, `data-` state) go to the bar.
 */
export function Notice({
  title,
  titleOwnLine = false,
  titleClassName,
  layout = 'multiline',
  children,
  ...bar
}: Omit<MessageBarProps, 'title' | 'children'> & {
  title?: ReactNode;
  titleOwnLine?: boolean;
  titleClassName?: string;
  children?: ReactNode;
}) {
  const styles = useStyles();
  return (
    <MessageBar layout={layout} {...bar}>
      <MessageBarBody>
        {title !== undefined && <MessageBarTitle className={titleClassName ?? (titleOwnLine ? styles.ownLine : undefined)}>{title}</MessageBarTitle>}
        {children}
      </MessageBarBody>
    </MessageBar>
  );
}

/**
 * Something that could not be done but does not stop the page (a version check, a subscription
 * whose workspaces could not be listed): what it was, then the service's message and remedy.
 */
export function ProblemNotice({ title, error, testId }: { title: string; error: AppError; testId: string }) {
  return (
    <Notice intent="warning" title={title} data-testid={testId}>
      {error.message} {error.remedy}
    </Notice>
  );
}
