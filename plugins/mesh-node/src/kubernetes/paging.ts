import { ResponseError } from '@backstage/errors';
import { KubeListPage, KubeObject } from './types';

/**
 * Whether a LIST page failed because its continue token expired: the API
 * server answers 410 Gone (reason `Expired`) once the etcd revision the
 * token points at has been compacted, typically after about five minutes.
 */
export function isExpiredContinue(error: unknown): boolean {
  return error instanceof ResponseError && error.response.status === 410;
}

/**
 * Every object of a LIST, page by page. When a continue token has expired
 * (410) the pages read so far belong to a revision the server no longer
 * has, so they are dropped and the whole list is read again in one request
 * without `limit`, as client-go's pager does (`FullListIfExpired`): the
 * answer is then one consistent snapshot, never a mix of two. A second 410
 * is not expected without a token, and is thrown.
 */
export async function readAllPages(
  listPage: (page: {
    limit?: number;
    continue?: string;
  }) => Promise<KubeListPage>,
  limit: number | undefined,
  onItems: (count: number) => void = () => undefined,
): Promise<KubeObject[]> {
  const items: KubeObject[] = [];
  let next: string | undefined;
  do {
    let page: KubeListPage;
    try {
      page = await listPage({ limit, continue: next });
    } catch (error) {
      if (next === undefined || !isExpiredContinue(error)) throw error;
      const whole = await listPage({});
      onItems(whole.items.length);
      return whole.items;
    }
    items.push(...page.items);
    onItems(items.length);
    next = page.continue;
  } while (next);
  return items;
}
