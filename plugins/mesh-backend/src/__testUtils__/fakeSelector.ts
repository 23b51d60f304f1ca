/**
 * The Kubernetes label-selector grammar as the API server applies it
 * (k8s.io/apimachinery `labels.Parse`), written apart from the product's
 * parser on purpose: the fake cluster must not agree with the code under
 * test by construction.
 */

const NAME = String.raw`[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?`;
const KEY = String.raw`(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?${NAME}`;
const VALUE = `(?:${NAME})?`;

const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);
const EQUALS = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

type Labels = Record<string, string>;
type Test = (labels: Labels) => boolean;

/** Thrown for text the API server answers 400 to. */
export class SelectorSyntaxError extends Error {}

/** Splits at commas outside parentheses: `a in (x,y),b` is two requirements. */
function requirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0 || depth > 1) {
      throw new SelectorSyntaxError(`unbalanced parentheses in "${text}"`);
    }
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new SelectorSyntaxError(`unclosed "(" in "${text}"`);
  parts.push(current.trim());
  return parts;
}

function requirement(text: string): Test {
  const set = text.match(SET);
  if (set) {
    const [, key, op, list] = set;
    const values = list.split(',').map(v => v.trim());
    if (values.some(v => !VALUE_ONLY.test(v))) {
      throw new SelectorSyntaxError(`invalid value in "${text}"`);
    }
    return op === 'in'
      ? labels => key in labels && values.includes(labels[key])
      : labels => !(key in labels) || !values.includes(labels[key]);
  }
  const equals = text.match(EQUALS);
  if (equals) {
    const [, key, op, value] = equals;
    // `!=` also matches objects without the key, as the API server does.
    return op === '!='
      ? labels => labels[key] !== value
      : labels => key in labels && labels[key] === value;
  }
  const exists = text.match(EXISTS);
  if (exists) {
    const [, not, key] = exists;
    return not ? labels => !(key in labels) : labels => key in labels;
  }
  throw new SelectorSyntaxError(`unable to parse requirement "${text}"`);
}

/**
 * A predicate over an object's labels for a `labelSelector` query value.
 * The empty selector matches everything; a requirement that does not parse
 * throws {@link SelectorSyntaxError}.
 */
export function labelSelectorPredicate(
  text: string,
): (labels: Labels | undefined) => boolean {
  if (text.trim() === '') return () => true;
  const tests = requirements(text).map(part => {
    if (part === '') {
      throw new SelectorSyntaxError(`empty requirement in "${text}"`);
    }
    return requirement(part);
  });
  return labels => tests.every(t => t(labels ?? {}));
}
