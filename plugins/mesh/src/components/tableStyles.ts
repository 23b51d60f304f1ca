import { makeStyles } from '@material-ui/core/styles';

/** Shared by every table of the plugin. */
export const useTableStyles = makeStyles({
  // Headers and numbers read badly when broken over two lines; names may wrap.
  table: {
    '& thead th, & td.MuiTableCell-alignRight': { whiteSpace: 'nowrap' },
  },
  /** For wide tables inside a horizontal scroller: only marked cells wrap. */
  noWrap: { '& th, & td': { whiteSpace: 'nowrap', padding: '6px 10px' } },
  /** Table cells ignore min-width; a block inside them does not. */
  wide: { minWidth: 200 },
  wrapShort: { whiteSpace: 'normal !important' as 'normal' },
  scroll: { overflowX: 'auto' },
});
