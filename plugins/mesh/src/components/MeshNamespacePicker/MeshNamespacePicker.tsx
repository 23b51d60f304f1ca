import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { MeshOnboardingTarget } from '@meshlens/plugin-mesh-common';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { useEffect, useState } from 'react';
import { meshApiRef } from '../../api';

/**
 * The picker's options: which form field holds the entity.
 * @public
 */
export type MeshNamespacePickerUiOptions = {
  /** The form field with the entity ref; default `entityRef`. */
  entityRefField?: string;
};

type Loaded =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'loaded'; targets: MeshOnboardingTarget[]; problems: string[] }
  | { state: 'failed'; message: string };

const keyOf = (t: MeshOnboardingTarget) => `${t.cluster}/${t.namespace}`;

/**
 * Offers the (cluster, namespace) pairs the chosen entity's Kubernetes
 * annotations resolve to, from the mesh backend, instead of free text: the
 * action refuses any other pair, so the form should not suggest one.
 */
export function MeshNamespacePicker(
  props: FieldExtensionComponentProps<
    MeshOnboardingTarget | undefined,
    MeshNamespacePickerUiOptions
  >,
) {
  const {
    onChange,
    formData,
    formContext,
    uiSchema,
    required,
    rawErrors,
    schema,
  } = props;
  const meshApi = useApi(meshApiRef);
  const field = uiSchema?.['ui:options']?.entityRefField ?? 'entityRef';
  const entityRef: unknown = formContext?.formData?.[field];
  const [loaded, setLoaded] = useState<Loaded>({ state: 'idle' });

  useEffect(() => {
    if (typeof entityRef !== 'string' || !entityRef) {
      setLoaded({ state: 'idle' });
      return undefined;
    }
    let current = true;
    setLoaded({ state: 'loading' });
    meshApi
      .getOnboardingTargets(
        parseEntityRef(entityRef, { defaultKind: 'component' }),
      )
      .then(
        answer => {
          if (!current) return;
          setLoaded({ state: 'loaded', ...answer });
          // One place only: nothing to choose.
          if (answer.targets.length === 1) onChange(answer.targets[0]);
        },
        error => {
          if (current) setLoaded({ state: 'failed', message: error.message });
        },
      );
    return () => {
      current = false;
    };
    // onChange changes identity on every render of the form.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entityRef, meshApi]);

  const targets = loaded.state === 'loaded' ? loaded.targets : [];
  const selected =
    formData && targets.some(t => keyOf(t) === keyOf(formData))
      ? keyOf(formData)
      : '';
  let help = schema.description ?? '';
  if (loaded.state === 'idle') help = 'Choose the component first.';
  if (loaded.state === 'loading') help = 'Looking up where it runs…';
  if (loaded.state === 'failed') help = loaded.message;
  if (loaded.state === 'loaded' && targets.length === 0) {
    help = `Its Kubernetes annotations resolve to no cluster and namespace${
      loaded.problems.length ? ` (${loaded.problems.join('; ')})` : ''
    }.`;
  }

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={loaded.state === 'failed' || (rawErrors?.length ?? 0) > 0}
    >
      <InputLabel id="mesh-namespace-picker-label">
        {schema.title ?? 'Cluster and namespace'}
      </InputLabel>
      <Select
        labelId="mesh-namespace-picker-label"
        value={selected}
        disabled={targets.length === 0}
        onChange={event => {
          onChange(targets.find(t => keyOf(t) === event.target.value));
        }}
      >
        {targets.map(t => (
          <MenuItem key={keyOf(t)} value={keyOf(t)}>
            {t.namespace} in {t.cluster}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
}

/** Refuses a value that is not a cluster and namespace pair. */
export function validateMeshNamespace(
  value: MeshOnboardingTarget | undefined,
  validation: { addError(message: string): void },
) {
  if (value && (!value.cluster || !value.namespace)) {
    validation.addError('Pick one of the clusters and namespaces offered');
  }
}
