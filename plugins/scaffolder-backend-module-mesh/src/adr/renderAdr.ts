import { meshComparisonCriteria } from '@meshlens/plugin-mesh-common';
import { MeshDecisionText } from '@meshlens/plugin-mesh-node';
import { stringify as toYaml } from 'yaml';
import { markdownCode, markdownInline, markdownText } from './markdown';
import { MeasuredCost, costSection } from './costSection';

/** A mesh and data plane an ADR weighs, with what its adapter says about it. */
export interface DecisionOption {
  /** e.g. `istio` or `istio/ambient`. */
  id: string;
  text: MeshDecisionText;
}

/** What the ADR records. */
export interface AdrContent {
  number: number;
  title: string;
  /** ISO date, `YYYY-MM-DD`. */
  date: string;
  status: 'proposed' | 'accepted';
  mesh: DecisionOption;
  alternatives: DecisionOption[];
  service?: string;
  cluster?: string;
  namespace?: string;
  mtlsMode?: 'permissive' | 'strict';
  /** STRICT taken on trust: no traffic data showed every caller has a proxy. */
  strictWithoutTraffic?: boolean;
  requirements: {
    mtls?: boolean;
    multiCluster?: boolean;
    memoryBudgetMiB?: number;
    teamExperience?: string;
  };
  notes?: string;
  deciders?: string[];
  /** The measured proxy overhead, as a factor of the decision. */
  cost?: MeasuredCost;
}

const sentence = (text: string) => text.replace(/\.+$/, '');

/** Why the decision drivers favour or disfavour an option. */
function driverFindings(
  option: DecisionOption,
  r: AdrContent['requirements'],
): { good: string[]; bad: string[] } {
  const info = option.text.comparison;
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
    if (option.text.mtlsDrawback) {
      bad.push(option.text.mtlsDrawback);
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
  if (content.mtlsMode === 'strict' && content.strictWithoutTraffic) {
    return [
      'Bad, because STRICT mTLS was chosen without traffic data showing that every caller of every workload in the namespace has a proxy (override allowStrictWithoutTraffic): a caller without one is refused, and nothing checked that there is none.',
    ];
  }
  if (content.mtlsMode === 'strict') {
    return [
      'Bad, because STRICT mTLS refuses every caller without a proxy: callers must be onboarded first (Meshlens refuses STRICT while plaintext callers are seen).',
    ];
  }
  return [
    'Neutral, because PERMISSIVE mTLS still accepts plaintext from callers without a proxy; move to STRICT once the Mesh tab shows an encrypted share of 100%.',
  ];
}

function checklist(content: AdrContent): string[] {
  const ns = content.namespace ?? '<namespace>';
  const common = [
    `Run the \`mesh:check\` pre-flight checks for ${ns} (control plane installed and healthy, no conflicting markers).`,
  ];
  return [
    ...common,
    ...content.mesh.text.checklist(ns),
    "Record the outcome (meshed pods, mTLS share, golden signals) on the entity's Mesh tab and link this ADR from the entity (`backstage.io/adr-location`).",
  ];
}

function comparisonTable(options: DecisionOption[]): string {
  const header = `| Criterion | ${options
    .map(o => o.text.comparison.title)
    .join(' | ')} |`;
  const separator = `|---|${options.map(() => '---').join('|')}|`;
  const cite = (sources: string[]) =>
    sources.length ? ` [${sources.join(', ')}]` : '';
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const rows = meshComparisonCriteria.map(
    criterion =>
      `| ${criterion.title} | ${options
        .map(o => {
          const cell = o.text.comparison.cells[criterion.id];
          return escape(`${cell.value}${cite(cell.sources)}`);
        })
        .join(' | ')} |`,
  );
  return [header, separator, ...rows].join('\n');
}

function sourcesList(options: DecisionOption[]): string {
  const sources = Object.assign({}, ...options.map(o => o.text.sources));
  return Object.keys(sources)
    .sort()
    .map(key => {
      const s = sources[key];
      return `- **${key}**: ${s.title}. ${s.reference}.${
        s.caveat ? ` _${s.caveat}_` : ''
      }`;
    })
    .join('\n');
}

function contextParagraph(content: AdrContent): string {
  const where = [
    content.service
      ? `the service **${markdownInline(content.service)}**`
      : 'our workloads',
    content.namespace ? `in namespace ${markdownCode(content.namespace)}` : '',
    content.cluster ? `of cluster ${markdownCode(content.cluster)}` : '',
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
  if (r.teamExperience)
    list.push(`team experience: ${markdownInline(r.teamExperience)}`);
  list.push('operational complexity the team can carry');
  return list;
}

function rationale(content: AdrContent): string {
  const chosen = content.mesh.text.comparison;
  const { good, bad } = driverFindings(content.mesh, content.requirements);
  const parts = [
    `Chosen option: "${chosen.title}", because ${chosen.tradeOff
      .charAt(0)
      .toLowerCase()}${chosen.tradeOff.slice(1)}`,
  ];
  if (good.length) parts.push(`Against the drivers: ${good.join('; ')}.`);
  if (bad.length) parts.push(`Accepted drawbacks: ${bad.join('; ')}.`);
  if (content.requirements.teamExperience) {
    parts.push(
      `Team experience: ${markdownInline(
        content.requirements.teamExperience,
      )}.`,
    );
  }
  return parts.join(' ');
}

function optionPros(content: AdrContent, option: DecisionOption): string {
  const info = option.text.comparison;
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

/**
 * The YAML front matter, serialized by `yaml` so that no value (a decider
 * with a line break, a title with `---`) can add a key or end the block.
 */
function frontMatter(content: AdrContent): string {
  const data: Record<string, unknown> = {
    status: content.status,
    date: content.date,
  };
  if (content.deciders?.length) {
    data['decision-makers'] = content.deciders.join(', ');
  }
  return `---\n${toYaml(data)}---`;
}

/** MADR 4 (front matter read by the Backstage ADR plugin). */
export function renderMadr(content: AdrContent): string {
  const options = [content.mesh, ...content.alternatives];
  return [
    frontMatter(content),
    '',
    `# ${markdownInline(content.title)}`,
    '',
    '## Context and Problem Statement',
    '',
    contextParagraph(content),
    ...(content.notes ? ['', markdownText(content.notes)] : []),
    '',
    '## Decision Drivers',
    '',
    ...drivers(content).map(d => `* ${d}`),
    '',
    '## Considered Options',
    '',
    ...options.map(o => `* ${o.text.comparison.title}`),
    '',
    '## Decision Outcome',
    '',
    rationale(content),
    '',
    '### Consequences',
    '',
    ...[...content.mesh.text.consequences, ...mtlsConsequence(content)].map(
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
    ...costSection(content.cost),
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
    `# ${content.number}. ${markdownInline(content.title)}`,
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
    ...(content.notes ? ['', markdownText(content.notes)] : []),
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
    ...[...content.mesh.text.consequences, ...mtlsConsequence(content)].map(
      c => `* ${c}`,
    ),
    '',
    'Onboarding checklist:',
    '',
    ...checklist(content).map(c => `- [ ] ${c}`),
    '',
    ...costSection(content.cost),
    'Sources:',
    '',
    sourcesList(options),
    '',
  ].join('\n');
}
