import {
  meshComparison,
  meshComparisonCriteria,
  meshComparisonSources,
  MeshOption,
} from '@meshlens/plugin-mesh-common';

/** What the ADR records. */
export interface AdrContent {
  number: number;
  title: string;
  /** ISO date, `YYYY-MM-DD`. */
  date: string;
  status: 'proposed' | 'accepted';
  mesh: MeshOption;
  alternatives: MeshOption[];
  service?: string;
  cluster?: string;
  namespace?: string;
  mtlsMode?: 'permissive' | 'strict';
  requirements: {
    mtls?: boolean;
    multiCluster?: boolean;
    memoryBudgetMiB?: number;
    teamExperience?: string;
  };
  notes?: string;
  deciders?: string[];
}

const sentence = (text: string) => text.replace(/\.+$/, '');

/** Why the decision drivers favour or disfavour an option. */
function driverFindings(
  option: MeshOption,
  r: AdrContent['requirements'],
): { good: string[]; bad: string[] } {
  const info = meshComparison[option];
  const good: string[] = [];
  const bad: string[] = [];
  if (r.memoryBudgetMiB !== undefined) {
    const m = info.perPodMemoryMiB;
    if (m.value <= r.memoryBudgetMiB) {
      good.push(
        m.value === 0
          ? `adds no per-pod memory (${m.basis}), within the ${r.memoryBudgetMiB} MiB per-pod budget`
          : `~${m.value} MiB per pod (${m.basis}) fits the ${r.memoryBudgetMiB} MiB per-pod budget`,
      );
    } else {
      bad.push(
        `~${m.value} MiB per pod (${m.basis}) exceeds the ${r.memoryBudgetMiB} MiB per-pod budget`,
      );
    }
  }
  if (r.mtls) {
    if (option === 'cilium') {
      bad.push(
        'mutual authentication is Beta (SPIRE) and must be required per policy rule',
      );
    } else {
      good.push(`mTLS: ${sentence(info.cells.mtls.value)}`);
    }
  }
  if (r.multiCluster) {
    if (info.cells.multiCluster.sources.length === 0) {
      bad.push(
        'multi-cluster support is not settled by our sources: verify it',
      );
    } else {
      good.push(`multi-cluster: ${sentence(info.cells.multiCluster.value)}`);
    }
  }
  return { good, bad };
}

function mtlsConsequence(content: AdrContent): string[] {
  if (content.mtlsMode === 'strict') {
    return [
      'Bad, because STRICT mTLS refuses every caller without a proxy: callers must be onboarded first (Meshlens refuses STRICT while plaintext callers are seen).',
    ];
  }
  return [
    'Neutral, because PERMISSIVE mTLS still accepts plaintext from callers without a proxy; move to STRICT once the Mesh tab shows an encrypted share of 100%.',
  ];
}

function meshConsequences(mesh: MeshOption): string[] {
  switch (mesh) {
    case 'linkerd':
      return [
        'Good, because mTLS between meshed pods is on without configuration, with 24h workload certificates rotated by the proxy.',
        'Bad, because every pod gets a linkerd-proxy sidecar and existing pods need a rolling restart to get it.',
        'Bad, because the trust anchor and issuer certificates must be rotated before they expire (linkerd check warns 60 days ahead).',
      ];
    case 'istio':
      return [
        'Good, because the full traffic-management set (routing, canary, fault injection, retries) becomes available.',
        'Bad, because every pod gets an istio-proxy sidecar (default request 100m CPU/128Mi) and existing pods need a rolling restart.',
        'Bad, because debugging needs Envoy knowledge and the CRD surface is large.',
      ];
    case 'istio-ambient':
      return [
        'Good, because pods keep their shape: no sidecar, no restart; ztunnel on each node carries L4 mTLS.',
        'Bad, because L7 policy and traffic management need a waypoint proxy, deployed and sized separately.',
      ];
    default:
      return [
        'Good, because there is no per-pod proxy: Cilium is already the data plane of every pod.',
        'Bad, because mutual authentication is Beta and HTTP metrics need L7 policies (Hubble sees L7 only for pods with L7 visibility).',
      ];
  }
}

function checklist(content: AdrContent): string[] {
  const ns = content.namespace ?? '<namespace>';
  const common = [
    `Run the \`mesh:check\` pre-flight checks for ${ns} (control plane installed and healthy, no conflicting markers).`,
  ];
  const perMesh: Record<MeshOption, string[]> = {
    linkerd: [
      `Annotate (not label) the namespace: \`linkerd.io/inject: enabled\`. The label \`linkerd.io/injection\` does nothing.`,
      'Restart the workloads (`kubectl rollout restart`) and confirm meshed pods = pods on the Mesh tab.',
      'Confirm the proxies use the current trust anchor (`linkerd.io/trust-root-sha256`) and that it is valid for at least 60 more days.',
      'Before STRICT (`config.linkerd.io/default-inbound-policy: all-authenticated`), confirm every caller is meshed.',
    ],
    istio: [
      'Label the namespace `istio-injection=enabled` or `istio.io/rev=<revision>`, never both (`istio-injection` wins).',
      'Opt pods out with the label `sidecar.istio.io/inject: "false"`, not the deprecated annotation.',
      'Restart the workloads and confirm meshed pods = pods on the Mesh tab.',
      'Keep `PeerAuthentication` PERMISSIVE until the encrypted share is 100%, then set STRICT.',
    ],
    'istio-ambient': [
      'Label the namespace `istio.io/dataplane-mode=ambient`; no restart is needed.',
      'Confirm pods carry `ambient.istio.io/redirection: enabled` (set by Istio) on the Mesh tab.',
      'Deploy a waypoint (`istio.io/use-waypoint`) before relying on L7 policies.',
      'Keep `PeerAuthentication` PERMISSIVE until the encrypted share is 100%, then set STRICT.',
    ],
    cilium: [
      'For mutual authentication, confirm `mesh-auth-enabled: "true"` in the `cilium-config` ConfigMap.',
      'Add CiliumNetworkPolicy L7 rules where HTTP metrics are wanted (Hubble needs L7 visibility).',
      'Require `authentication.mode: required` only once every caller has a SPIRE identity.',
    ],
  };
  return [
    ...common,
    ...perMesh[content.mesh],
    "Record the outcome (meshed pods, mTLS share, golden signals) on the entity's Mesh tab and link this ADR from the entity (`backstage.io/adr-location`).",
  ];
}

function comparisonTable(options: MeshOption[]): string {
  const header = `| Criterion | ${options
    .map(o => meshComparison[o].title)
    .join(' | ')} |`;
  const separator = `|---|${options.map(() => '---').join('|')}|`;
  const cite = (sources: string[]) =>
    sources.length ? ` [${sources.join(', ')}]` : '';
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const rows = meshComparisonCriteria.map(
    criterion =>
      `| ${criterion.title} | ${options
        .map(o => {
          const cell = meshComparison[o].cells[criterion.id];
          return escape(`${cell.value}${cite(cell.sources)}`);
        })
        .join(' | ')} |`,
  );
  return [header, separator, ...rows].join('\n');
}

function sourcesList(options: MeshOption[]): string {
  const keys = new Set<string>();
  for (const o of options) {
    Object.values(meshComparison[o].cells).forEach(c =>
      c.sources.forEach(s => keys.add(s)),
    );
    meshComparison[o].perPodMemoryMiB.sources.forEach(s => keys.add(s));
  }
  return [...keys]
    .sort()
    .map(key => {
      const s = meshComparisonSources[key];
      return `- **${key}**: ${s.title}. ${s.reference}.${
        s.caveat ? ` _${s.caveat}_` : ''
      }`;
    })
    .join('\n');
}

function contextParagraph(content: AdrContent): string {
  const where = [
    content.service ? `the service **${content.service}**` : 'our workloads',
    content.namespace ? `in namespace \`${content.namespace}\`` : '',
    content.cluster ? `of cluster \`${content.cluster}\`` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `We need to decide which service mesh ${where} joins, and how, so that service-to-service traffic is authenticated and observable without copying commands from guides that get the details wrong.`;
}

function drivers(content: AdrContent): string[] {
  const r = content.requirements;
  const list: string[] = [];
  if (r.mtls) list.push('mTLS between services is required');
  if (r.multiCluster) list.push('traffic must cross clusters');
  if (r.memoryBudgetMiB !== undefined)
    list.push(`at most ${r.memoryBudgetMiB} MiB of extra memory per pod`);
  if (r.teamExperience) list.push(`team experience: ${r.teamExperience}`);
  list.push('operational complexity the team can carry');
  return list;
}

function rationale(content: AdrContent): string {
  const chosen = meshComparison[content.mesh];
  const { good, bad } = driverFindings(content.mesh, content.requirements);
  const parts = [
    `Chosen option: "${chosen.title}", because ${chosen.tradeOff
      .charAt(0)
      .toLowerCase()}${chosen.tradeOff.slice(1)}`,
  ];
  if (good.length) parts.push(`Against the drivers: ${good.join('; ')}.`);
  if (bad.length) parts.push(`Accepted drawbacks: ${bad.join('; ')}.`);
  if (content.requirements.teamExperience) {
    parts.push(`Team experience: ${content.requirements.teamExperience}.`);
  }
  return parts.join(' ');
}

function optionPros(content: AdrContent, option: MeshOption): string {
  const info = meshComparison[option];
  const { good, bad } = driverFindings(option, content.requirements);
  const lines = [
    `### ${info.title}`,
    '',
    info.tradeOff,
    '',
    ...good.map(g => `* Good, because ${g}.`),
    ...bad.map(b => `* Bad, because ${b}.`),
  ];
  return lines.join('\n');
}

/** MADR 4 (front matter read by the Backstage ADR plugin). */
export function renderMadr(content: AdrContent): string {
  const options = [content.mesh, ...content.alternatives];
  const front = [
    '---',
    `status: ${content.status}`,
    `date: ${content.date}`,
    ...(content.deciders?.length
      ? [`decision-makers: ${content.deciders.join(', ')}`]
      : []),
    '---',
  ];
  return [
    ...front,
    '',
    `# ${content.title}`,
    '',
    '## Context and Problem Statement',
    '',
    contextParagraph(content),
    ...(content.notes ? ['', content.notes] : []),
    '',
    '## Decision Drivers',
    '',
    ...drivers(content).map(d => `* ${d}`),
    '',
    '## Considered Options',
    '',
    ...options.map(o => `* ${meshComparison[o].title}`),
    '',
    '## Decision Outcome',
    '',
    rationale(content),
    '',
    '### Consequences',
    '',
    ...[...meshConsequences(content.mesh), ...mtlsConsequence(content)].map(
      c => `* ${c}`,
    ),
    '',
    '### Confirmation',
    '',
    'Onboarding checklist:',
    '',
    ...checklist(content).map(c => `- [ ] ${c}`),
    '',
    '## Pros and Cons of the Options',
    '',
    comparisonTable(options),
    '',
    ...options.flatMap(o => [optionPros(content, o), '']),
    '## More Information',
    '',
    'Figures in the table cite these sources (Meshlens `meshComparison` data):',
    '',
    sourcesList(options),
    '',
  ].join('\n');
}

/** Michael Nygard's format, as adr-tools writes it. */
export function renderNygard(content: AdrContent): string {
  const options = [content.mesh, ...content.alternatives];
  return [
    `# ${content.number}. ${content.title}`,
    '',
    `Date: ${content.date}`,
    '',
    '## Status',
    '',
    content.status === 'accepted' ? 'Accepted' : 'Proposed',
    '',
    '## Context',
    '',
    contextParagraph(content),
    ...(content.notes ? ['', content.notes] : []),
    '',
    'Decision drivers:',
    '',
    ...drivers(content).map(d => `* ${d}`),
    '',
    'Options considered:',
    '',
    comparisonTable(options),
    '',
    '## Decision',
    '',
    rationale(content),
    '',
    '## Consequences',
    '',
    ...[...meshConsequences(content.mesh), ...mtlsConsequence(content)].map(
      c => `* ${c}`,
    ),
    '',
    'Onboarding checklist:',
    '',
    ...checklist(content).map(c => `- [ ] ${c}`),
    '',
    'Sources:',
    '',
    sourcesList(options),
    '',
  ].join('\n');
}
