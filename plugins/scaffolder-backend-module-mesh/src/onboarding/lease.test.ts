import { FakeKubernetes } from '../__testUtils__/fakeKubernetes';
import { namespace } from '../__testUtils__/fixtures';
import { useFakeCluster } from '../__testUtils__/setup';
import { acquireNamespaceLock, LEASE_NAME } from './lease';

const LEASE = `/apis/coordination.k8s.io/v1/namespaces/shop/leases/${LEASE_NAME}`;
const NOW = new Date('2026-12-01T12:00:00Z');

describe('acquireNamespaceLock', () => {
  const cluster = useFakeCluster();
  let fake: FakeKubernetes;
  const api = cluster.api;
  const lock = (holder: string, now = NOW) =>
    acquireNamespaceLock({
      api: api(),
      namespace: 'shop',
      holder,
      ttlSeconds: 120,
      now: () => now,
    });

  beforeEach(() => {
    fake = cluster.fake;
    fake.add('homelab', namespace('shop'));
  });

  it('creates the Lease with the holder and the TTL, and deletes only its own on release', async () => {
    const held = await lock('task-1');
    const lease = fake.get('homelab', LEASE);
    expect(lease.spec).toEqual({
      holderIdentity: 'task-1',
      leaseDurationSeconds: 120,
      acquireTime: '2026-12-01T12:00:00.000000Z',
      renewTime: '2026-12-01T12:00:00.000000Z',
    });
    await held.release();
    expect(fake.get('homelab', LEASE)).toBeUndefined();
    expect(fake.mutations().at(-1)?.body).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: lease.metadata.uid },
    });
  });

  it('refuses while another task holds it, naming the holder and the expiry', async () => {
    await lock('task-1');
    await expect(
      lock('task-2', new Date(NOW.getTime() + 60_000)),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'Namespace shop is being onboarded by task task-1 (Lease shop/meshlens-onboarding, held until 2026-12-01T12:02:00.000Z); wait for it to finish, or delete the Lease if that task is gone: kubectl -n shop delete lease meshlens-onboarding',
    });
    expect(fake.get('homelab', LEASE).spec.holderIdentity).toBe('task-1');
  });

  it('takes over an expired Lease, and its own after a restart', async () => {
    await lock('task-1');
    const later = new Date(NOW.getTime() + 121_000);
    await lock('task-2', later);
    expect(fake.get('homelab', LEASE).spec).toMatchObject({
      holderIdentity: 'task-2',
      leaseTransitions: 1,
      renewTime: '2026-12-01T12:02:01.000000Z',
    });
    await lock('task-2', later);
    expect(fake.get('homelab', LEASE).spec.leaseTransitions).toBe(1);
  });

  it('does not take a Lease another run took over meanwhile (resourceVersion)', async () => {
    await lock('task-1');
    const original = fake.get('homelab', LEASE);
    // Between our read and our takeover, task-3 renews it.
    fake.onWrite = () => undefined;
    const client = api();
    const get = client.get.bind(client);
    client.get = async (...args) => {
      const read = await get(...args);
      fake.put('homelab', LEASE, {
        ...original,
        metadata: { ...original.metadata, resourceVersion: '999' },
        spec: { ...original.spec, holderIdentity: 'task-3' },
      });
      return read;
    };
    await expect(
      acquireNamespaceLock({
        api: client,
        namespace: 'shop',
        holder: 'task-2',
        ttlSeconds: 120,
        now: () => new Date(NOW.getTime() + 121_000),
      }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(fake.get('homelab', LEASE).spec.holderIdentity).toBe('task-3');
  });
});
