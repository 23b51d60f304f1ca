import DeviceHubIcon from '@material-ui/icons/DeviceHub';

/** The icon of the plugin in the navigation and search results. */
export const MeshIcon = () => <DeviceHubIcon />;
