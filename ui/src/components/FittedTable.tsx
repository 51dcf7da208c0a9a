import { useEffect, useRef, useState, type ComponentProps, type ReactNode, type RefObject } from 'react';
import { Caption1, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { t, type MessageKey } from '../i18n';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, minWidth: 0 },
  // Fluent's table shares its width out equally, so in a narrow window long text ran into the
  // next column. Here columns size to their content, and the table scrolls sideways when even
  // that does not fit.
  scroller: { overflowX: 'auto' },
  // When it does scroll sideways, a shade at each edge with more columns beyond it: the cover
  // gradients move with the content and hide the shade once an edge is reached.
  overflowing: {
    backgroundColor: tokens.colorNeutralBackground1,
    backgroundImage: [
      `linear-gradient(to right, ${tokens.colorNeutralBackground1}, ${tokens.colorNeutralBackground1})`,
      `linear-gradient(to right, ${tokens.colorNeutralBackground1}, ${tokens.colorNeutralBackground1})`,
      `linear-gradient(to right, ${tokens.colorNeutralStrokeAccessible}, transparent)`,
      `linear-gradient(to left, ${tokens.colorNeutralStrokeAccessible}, transparent)`,
    ].join(', '),
    backgroundPosition: 'left center, right center, left center, right center',
    backgroundRepeat: 'no-repeat',
    backgroundSize: '24px 100%, 24px 100%, 10px 100%, 10px 100%',
    backgroundAttachment: 'local, local, scroll, scroll',
    ':focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: tokens.strokeWidthThin,
    },
  },
  table: { tableLayout: 'auto' },
  hint: { color: tokens.colorNeutralForeground3, alignSelf: 'flex-end' },
});

/** Whether the box is narrower than what it holds, kept current as either changes size. */
function useOverflowing(box: RefObject<HTMLDivElement | null>): boolean {
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver !== 'function') return;
    const measure = () => setOverflowing(element.scrollWidth > element.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    measure();
    return () => observer.disconnect();
  }, [box]);
  return overflowing;
}

/**
 * A Fluent `Table` whose columns fit their content, inside a box that scrolls sideways. When
 * the columns are wider than the window, a line above says so, the hidden side is shaded, and
 * the box takes keyboard focus so the arrow keys scroll it.
 */
export function FittedTable(props: ComponentProps<typeof Table>) {
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const overflowing = useOverflowing(scroller);
  return (
    <div className={styles.box}>
      {overflowing && (
        <Caption1 className={styles.hint} aria-hidden data-testid="table-scroll-hint">
          {t('table.scrollHint')}
        </Caption1>
      )}
      <div
        ref={scroller}
        className={mergeClasses(styles.scroller, overflowing && styles.overflowing)}
        data-testid="table-scroller"
        data-overflowing={overflowing}
        {...(overflowing ? { tabIndex: 0, role: 'region', 'aria-label': t('table.scrollLabel', { table: props['aria-label'] ?? '' }) } : {})}
      >
        <Table {...props} className={styles.table} />
      </div>
    </div>
  );
}

/**
 * A fitted table with one header row naming its `columns`; the children are its body's rows.
 * `ListTable` builds the rows from column definitions; this is for bodies it cannot express.
 */
function HeadedTable({
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

/** One column of a `ListTable`: its heading, and what its cell shows for a row. */
export interface Column<Row> {
  heading: MessageKey;
  cell: (row: Row) => ReactNode;
  /** The cell's class (wrapping, width). */
  className?: string;
  /** The cell's `data-testid`. */
  testId?: string;
}

/** A row's own attributes: its test id and `data-` state, a click handler, a class. */
export type RowProps = Omit<ComponentProps<typeof TableRow>, 'children'> & { [data: `data-${string}`]: string | boolean | undefined };

/**
 * A list as a fitted table: a header row from the `columns`' headings, then one body row a
 * `row`, each cell what its column shows for it. Every list of the app (runtimes, inventory,
 * decommission plan, a flow's mapping, role assignments, a diagnostics bundle's files) uses it.
 */
export function ListTable<Row>({
  columns,
  rows,
  rowKey,
  rowProps,
  ...props
}: Omit<ComponentProps<typeof Table>, 'children'> & {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  rowProps?: (row: Row) => RowProps;
}) {
  return (
    <HeadedTable {...props} columns={columns.map((column) => t(column.heading))}>
      {rows.map((row, index) => (
        <TableRow key={rowKey(row, index)} {...rowProps?.(row)}>
          {columns.map((column) => (
            <TableCell key={column.heading} className={column.className} data-testid={column.testId}>
              {column.cell(row)}
            </TableCell>
          ))}
        </TableRow>
      ))}
    </HeadedTable>
  );
}
