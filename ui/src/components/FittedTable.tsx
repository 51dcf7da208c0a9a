import type { ComponentProps } from 'react';
import { Table, makeStyles } from '@fluentui/react-components';

const useStyles = makeStyles({
  // Fluent's table shares its width out equally, so in a narrow window long text ran into the
  // next column. Here columns size to their content, and the table scrolls sideways when even
  // that does not fit.
  scroller: { overflowX: 'auto' },
  table: { tableLayout: 'auto' },
});

/** A Fluent `Table` whose columns fit their content, inside a box that scrolls sideways. */
export function FittedTable(props: ComponentProps<typeof Table>) {
  const styles = useStyles();
  return (
    <div className={styles.scroller}>
      <Table {...props} className={styles.table} />
    </div>
  );
}
