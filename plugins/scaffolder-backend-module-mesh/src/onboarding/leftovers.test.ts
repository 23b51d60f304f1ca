import { KUBE_RESOURCES } from '@meshlens/plugin-mesh-node';
import { kubectlResource, shellQuote, undoCommands } from './leftovers';
import { PlannedWrite } from './writes';

const change = {
  action: 'apply' as const,
  apiVersion: 'v1',
  kind: 'X',
  name: 'x',
  description: 'x',
};

describe('undoCommands', () => {
  it('quotes for a POSIX shell only what needs it', () => {
    expect(shellQuote('linkerd.io/inject-')).toBe('linkerd.io/inject-');
    expect(shellQuote(`it's {"a":1}`)).toBe(`'it'\\''s {"a":1}'`);
  });

  it('names kinds with their group, so kubectl cannot pick another', () => {
    expect(kubectlResource(KUBE_RESOURCES.istioAuthorizationPolicy)).toBe(
      'authorizationpolicies.security.istio.io',
    );
    expect(kubectlResource(KUBE_RESOURCES.namespace)).toBe('namespaces');
  });

  it('puts a namespace marker back: removes new keys, restores old values', () => {
    const write: PlannedWrite = {
      op: 'namespace',
      type: KUBE_RESOURCES.namespace,
      name: 'shop',
      next: {
        labels: { 'istio-injection': 'enabled', 'istio.io/rev': null },
        annotations: { 'linkerd.io/inject': 'enabled' },
      },
      previous: {
        labels: { 'istio-injection': null, 'istio.io/rev': 'canary' },
        annotations: { 'linkerd.io/inject': 'disabled' },
      },
      resourceVersion: '1',
      change,
    };
    expect(undoCommands(write)).toEqual([
      'kubectl label namespace shop --overwrite istio-injection- istio.io/rev=canary',
      'kubectl annotate namespace shop --overwrite linkerd.io/inject=disabled',
    ]);
  });

  it('deletes a created object and restores an updated one exactly', () => {
    const desired = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'meshlens-default', namespace: 'shop' },
      spec: { podSelector: {} },
    };
    const base = {
      op: 'object' as const,
      type: KUBE_RESOURCES.networkPolicy,
      name: 'meshlens-default',
      namespace: 'shop',
      desired,
      change,
    };
    expect(undoCommands(base)).toEqual([
      'kubectl -n shop delete networkpolicies.networking.k8s.io meshlens-default',
    ]);
    const live = {
      ...desired,
      metadata: { ...desired.metadata, labels: { team: "o'neil" } },
      spec: { podSelector: { matchLabels: { app: 'x' } } },
    };
    const [command] = undoCommands({ ...base, live });
    expect(command).toBe(
      `kubectl -n shop patch networkpolicies.networking.k8s.io meshlens-default --type json -p '[{"op":"add","path":"/spec","value":{"podSelector":{"matchLabels":{"app":"x"}}}},{"op":"add","path":"/metadata/labels","value":{"team":"o'\\''neil"}},{"op":"add","path":"/metadata/annotations","value":{}}]'`,
    );
  });

  it('puts a restart annotation back to its old value', () => {
    expect(
      undoCommands({
        op: 'restart',
        type: KUBE_RESOURCES.deployment,
        name: 'web',
        namespace: 'shop',
        restartedAt: '2026-12-01T12:00:00Z',
        previous: '2026-01-01T00:00:00Z',
        hadAnnotations: true,
        resourceVersion: '1',
        change,
      }),
    ).toEqual([
      `kubectl -n shop patch deployments.apps web --type json -p '[{"op":"replace","path":"/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt","value":"2026-01-01T00:00:00Z"}]'`,
    ]);
  });
});
