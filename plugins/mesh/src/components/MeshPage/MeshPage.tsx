import { Content, Header, Page } from '@backstage/core-components';
import { MeshFleetContent } from './MeshFleetContent';

/**
 * The fleet page with its own header, for apps on the legacy frontend system.
 * @public
 */
export function MeshPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Service mesh"
        subtitle="Mesh, mTLS, health and certificate expiry of every service"
      />
      <Content>
        <MeshFleetContent />
      </Content>
    </Page>
  );
}
