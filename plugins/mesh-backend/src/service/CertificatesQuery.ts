import {
  ClusterCertificate,
  MeshCertificates,
  MeshName,
} from '@meshlens/plugin-mesh-common';
import {
  KubernetesSession,
  MeshCertificatesRequestOptions,
  meshTitleOf,
} from '@meshlens/plugin-mesh-node';
import { listClusters, listingFailed } from './clusterLocation';
import { MeshCertificateRead } from './MeshReads';
import { viewKey } from './principalKey';
import { refreshAheadOf } from './refreshAhead';
import { StatusQueryContext } from './queryContext';

/** Every certificate of every cluster's meshes, soonest expiry first. */
export class CertificatesQuery {
  constructor(private readonly context: StatusQueryContext) {}

  async getCertificates(
    options: MeshCertificatesRequestOptions,
  ): Promise<MeshCertificates> {
    const { flights, kube, hints, reads, config } = this.context;
    const requestSession = kube.session(options.credentials, {
      kubernetesAuth: options.kubernetesAuth,
    });
    const view = await viewKey(requestSession, options.credentials);
    const compute = async (session: KubernetesSession) => {
      const errors: MeshCertificates['errors'] = [];
      let clusters: string[] = [];
      try {
        clusters = await listClusters(session, hints);
      } catch (e) {
        errors.push({
          cluster: '',
          source: 'kubernetes',
          message: listingFailed(e),
        });
      }
      const certificates: ClusterCertificate[] = [];
      await Promise.all(
        clusters.map(async cluster => {
          const read = await reads.readClusterCertificates(
            session,
            options.credentials,
            cluster,
            config.window,
          );
          errors.push(...read.errors.map(e => ({ ...e, cluster })));
          for (const mesh of read.meshes) {
            errors.push(...mesh.errors.map(e => ({ ...e, cluster })));
            certificates.push(...this.certificatesOf(cluster, mesh));
          }
        }),
      );
      certificates.sort((a, b) => a.notAfter.localeCompare(b.notAfter));
      return { generatedAt: new Date().toISOString(), certificates, errors };
    };
    return flights.get(
      `certificates:${view}`,
      () => compute(requestSession),
      refreshAheadOf(view, this.context, options, compute),
    );
  }

  /**
   * A mesh's control-plane certificates, and per namespace the proxy
   * certificate that expires first (proxies renew theirs; one per
   * namespace says whether renewal works there).
   */
  private certificatesOf(
    cluster: string,
    read: MeshCertificateRead,
  ): ClusterCertificate[] {
    const mesh = read.adapter.mesh as MeshName;
    const meshTitle = meshTitleOf(read.adapter);
    const out: ClusterCertificate[] = read.certificates.certificates.map(c => ({
      ...c,
      cluster,
      mesh,
      meshTitle,
    }));
    const soonest = new Map<string, { pod: string; notAfter: number }>();
    for (const c of read.workloadCertificates ?? []) {
      const s = soonest.get(c.namespace);
      if (!s || c.notAfter < s.notAfter) soonest.set(c.namespace, c);
    }
    const issuer = read.certificates.certificates.find(
      c => c.role === 'issuer',
    );
    for (const [namespace, s] of soonest) {
      out.push({
        ...this.context.certificateReader.info({
          role: 'workload',
          subject: `proxies in ${namespace}`,
          issuer: issuer?.subject ?? '',
          serialNumber: '',
          notBefore: '',
          notAfter: new Date(s.notAfter * 1000).toISOString(),
          source: `proxy metrics of pod ${namespace}/${s.pod} (soonest in the namespace)`,
        }),
        cluster,
        mesh,
        meshTitle,
      });
    }
    return out;
  }
}
