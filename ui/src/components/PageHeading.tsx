import { useEffect, useRef } from 'react';
import { makeStyles, typographyStyles } from '@fluentui/react-components';

const useStyles = makeStyles({
  heading: { ...typographyStyles.title2, margin: 0 },
});

/**
 * A page's title. It takes keyboard focus when the page opens so keyboard and screen-reader
 * users land at the start of the new content after choosing a page in the navigation.
 */
export function PageHeading({ children, focusOnMount = true }: { children: string; focusOnMount?: boolean }) {
  const styles = useStyles();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <h1 ref={ref} tabIndex={-1} className={styles.heading}>
      {children}
    </h1>
  );
}
