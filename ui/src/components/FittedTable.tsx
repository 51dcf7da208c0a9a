import type { ComponentProps, ReactNode } from 'react';
import { Table, TableBody, TableHeader, TableHeaderCell, TableRow, makeStyles } from '@fluentui/react-components';

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

/**
 * A fitted table with one header row naming its `columns`; the children are its body's rows.
 * Every list page (runtimes, inventory, decommission plan, a flow's mapping) uses it.
 */
export function HeadedTable({
  columns,
  children,
  ...props
}: Omit<ComponentProps<typeof Table>, 'children'> & { columns: readonly string[]; children: ReactNode }) {
  return (
    <FittedTable {...props}>
      <TableHeader>
        <TableRow>
          {columns.map((column) => (
            <TableHeaderCell key={column}>{column}</TableHeaderCell>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>{children}</TableBody>
    </FittedTable>
  );
}
