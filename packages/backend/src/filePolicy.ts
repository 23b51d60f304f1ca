import { readFileSync } from 'node:fs';
import {
  isResourcePermission,
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { parse } from 'yaml';

/**
 * What a rule decides: `allow`, `deny`, or `owner`, a conditional decision
 * that allows a catalog-entity permission on the entities the user owns
 * (directly or through a group), with the catalog's `isEntityOwner`.
 */
export type FileRuleDecision = 'allow' | 'deny' | 'owner';

export interface FileRule {
  /** Entity refs of users or groups, or `*` for every signed-in user. */
  who: string[];
  /** Permission names, `prefix.*`, or `*`. */
  permissions: string[];
  decision: FileRuleDecision;
}

const DECISIONS: FileRuleDecision[] = ['allow', 'deny', 'owner'];

/** Reads and validates a policy file; a mistake fails at startup, naming the rule. */
export function readPolicyFile(file: string): FileRule[] {
  let doc: any;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Permission policy ${file}: ${(e as Error).message}`);
  }
  if (!doc || !Array.isArray(doc.rules)) {
    throw new Error(
      `Permission policy ${file}: expected a top-level "rules" list`,
    );
  }
  return doc.rules.map((rule: any, i: number) => {
    const where = `Permission policy ${file}, rules[${i}]`;
    const strings = (key: string) => {
      const v = rule?.[key];
      if (
        !Array.isArray(v) ||
        v.length === 0 ||
        !v.every(s => typeof s === 'string')
      ) {
        throw new Error(
          `${where}: "${key}" must be a non-empty list of strings`,
        );
      }
      return v as string[];
    };
    const decision = rule?.decision;
    if (!DECISIONS.includes(decision)) {
      throw new Error(
        `${where}: "decision" must be one of ${DECISIONS.join(
          ', ',
        )}, not ${JSON.stringify(decision)}`,
      );
    }
    const who = strings('who');
    for (const w of who) {
      if (w !== '*' && !/^(user|group):[^/]+\/.+$/.test(w)) {
        throw new Error(
          `${where}: "${w}" in "who" is neither "*" nor a full user: or group: entity ref such as group:default/shop-team`,
        );
      }
    }
    return { who, permissions: strings('permissions'), decision };
  });
}

function namesPermission(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/**
 * A permission policy read from a file: the first rule whose `who` names
 * the user (or one of the groups they belong to) and whose `permissions`
 * name the request decides; nothing matching is a DENY.
 */
export class FilePermissionPolicy {
  constructor(private readonly rules: FileRule[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return { result: AuthorizeResult.DENY };
    const claims = user.info.ownershipEntityRefs;
    const refs = new Set([user.info.userEntityRef, ...claims]);
    const rule = this.rules.find(
      r =>
        r.who.some(w => w === '*' || refs.has(w)) &&
        r.permissions.some(p => namesPermission(p, request.permission.name)),
    );
    if (!rule || rule.decision === 'deny')
      return { result: AuthorizeResult.DENY };
    if (rule.decision === 'allow') return { result: AuthorizeResult.ALLOW };
    // `owner` only means something for a permission on catalog entities.
    if (!isResourcePermission(request.permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    return createCatalogConditionalDecision(
      request.permission,
      catalogConditions.isEntityOwner({ claims }),
    );
  }
}
