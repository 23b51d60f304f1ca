import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Button from '@material-ui/core/Button';
import Box from '@material-ui/core/Box';
import { MeshName, MtlsMode } from '@meshlens/plugin-mesh-common';
import { meshLabel, mtlsLabel } from '../../lib/format';
import { ALL, FleetFilters, NO_FILTERS, NO_OWNER, ownerName } from './fleet';

type Options = Record<keyof FleetFilters, string[]>;

const FILTERS: Array<{
  key: keyof FleetFilters;
  label: string;
  display: (value: string, meshTitles: Record<string, string>) => string;
}> = [
  { key: 'cluster', label: 'Cluster', display: v => v },
  {
    key: 'mesh',
    label: 'Mesh',
    display: (v, titles) => meshLabel(v as MeshName, titles[v]),
  },
  { key: 'mtls', label: 'mTLS', display: v => mtlsLabel(v as MtlsMode) },
  {
    key: 'certificate',
    label: 'Certificate status',
    display: v => (v === 'none' ? 'no certificate' : v),
  },
  {
    key: 'owner',
    label: 'Owner',
    display: v => (v === NO_OWNER ? 'no owner' : ownerName(v)),
  },
];

/** Cluster, mesh, mTLS, certificate status and owner filters. */
export function FleetFiltersBar(props: {
  options: Options;
  /** Each mesh's title, by mesh (see `meshTitles`). */
  meshTitles: Record<string, string>;
  value: FleetFilters;
  onChange: (value: FleetFilters) => void;
}) {
  const active = Object.values(props.value).some(v => v !== ALL);
  return (
    <Box display="flex" flexWrap="wrap" gridGap={16} alignItems="center">
      {FILTERS.map(filter => (
        <TextField
          key={filter.key}
          id={`mesh-fleet-filter-${filter.key}`}
          select
          size="small"
          variant="outlined"
          label={filter.label}
          style={{ minWidth: 160 }}
          value={props.value[filter.key]}
          onChange={e =>
            props.onChange({
              ...props.value,
              [filter.key]: e.target.value as string,
            })
          }
          SelectProps={{ displayEmpty: true }}
          InputLabelProps={{ shrink: true }}
        >
          <MenuItem value={ALL}>All</MenuItem>
          {props.options[filter.key].map(option => (
            <MenuItem key={option} value={option}>
              {filter.display(option, props.meshTitles)}
            </MenuItem>
          ))}
        </TextField>
      ))}
      {active && (
        <Button size="small" onClick={() => props.onChange(NO_FILTERS)}>
          Clear filters
        </Button>
      )}
    </Box>
  );
}
