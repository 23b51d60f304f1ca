import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConcreteLunrQuery,
  LunrQueryTranslator,
} from '@backstage/plugin-search-backend-node';
import { SearchQuery } from '@backstage/plugin-search-common';
import lunr from 'lunr';

// Fields that say where a document is or who may see it, not what it is about.
const NON_CONTENT_FIELDS = new Set(['location', 'authorization']);

/**
 * A query translator for Backstage's Lunr search engine that differs from
 * the default in two ways, both about the words people type:
 *
 * - stop words ("not", "in", "any", ...) are dropped before matching. Lunr
 *   never indexes them, yet the default translator still matches them
 *   fuzzily and by prefix, so "not" finds every document with "pods", "ok"
 *   or "none";
 * - the term is matched against the documents' content, not their
 *   `location`, so "not meshed" does not find every mesh document through
 *   the `/mesh` at the end of its link.
 *
 * Boosts, fuzzy and prefix matching, filters, types and page size are those
 * of the default translator. Set it with `LunrSearchEngine.setTranslator` in
 * a search engine module (see the README).
 *
 * @public
 */
export function createContentLunrQueryTranslator(options: {
  logger: LoggerService;
}): LunrQueryTranslator {
  const { logger } = options;
  return ({ term, filters, types, pageLimit }: SearchQuery) => {
    const lunrQueryBuilder: ConcreteLunrQuery['lunrQueryBuilder'] = q => {
      const tokens = lunr
        .tokenizer(term)
        .filter(token => lunr.stopWordFilter(token) !== undefined);
      const fields = q.allFields.filter(f => !NON_CONTENT_FIELDS.has(f));
      if (tokens.length > 0) {
        q.term(tokens, { fields, usePipeline: true, boost: 100 });
        q.term(tokens, {
          fields,
          usePipeline: false,
          boost: 10,
          wildcard: lunr.Query.wildcard.TRAILING,
        });
        q.term(tokens, {
          fields,
          usePipeline: false,
          editDistance: 2,
          boost: 1,
        });
      }
      for (const [field, fieldValue] of Object.entries(filters ?? {})) {
        if (!q.allFields.includes(field)) {
          // The engine skips indices without this field, as with the default.
          throw new Error(`unrecognised field ${field}`);
        }
        const value =
          Array.isArray(fieldValue) && fieldValue.length === 1
            ? fieldValue[0]
            : fieldValue;
        if (['string', 'number', 'boolean'].includes(typeof value)) {
          q.term(
            lunr
              .tokenizer(String(value))
              .map(token => lunr.stopWordFilter(token))
              .filter((token): token is lunr.Token => token !== undefined),
            { presence: lunr.Query.presence.REQUIRED, fields: [field] },
          );
        } else if (Array.isArray(value)) {
          logger.warn(
            `Non-scalar filter value used for field ${field}. Consider using a different Search Engine for better results.`,
          );
          q.term(lunr.tokenizer(value), {
            presence: lunr.Query.presence.OPTIONAL,
            fields: [field],
          });
        } else {
          logger.warn(`Unknown filter type used on field ${field}`);
        }
      }
    };
    return {
      lunrQueryBuilder,
      documentTypes: types,
      pageSize: pageLimit || 25,
    };
  };
}
