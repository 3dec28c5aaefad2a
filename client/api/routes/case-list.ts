// GET /v1/cases, a page at a time: the search box (`q`), sorting, page tokens, and the total and
// per-status counts for the same filter, so a list never silently stops at its first page.
import { z } from 'zod';
import { PageTokenError, SortRefusedError } from '../../case-page';
import type { ListFilter, RefundCases } from '../../refund-client';
import type { OrderFactsSource } from '../case-facts';
import { HttpError } from '../errors';
import type { ListCasesQuery } from '../requests';

/** The most orders one customer email resolves to (billing's newest first). */
export const EMAIL_ORDERS_MAX = 200;

const isEmail = (q: string): boolean => z.email().safeParse(q.trim()).success;

/**
 * `q` as a filter: an email is looked up in billing (the case holds no email) and becomes the
 * customer's orders; anything else matches order ids and customer ids by prefix (visibility
 * has STARTS_WITH on keywords, no substring or case-insensitive match).
 */
export function searchFilter(
  q: string,
  billing: Partial<OrderFactsSource> | undefined,
): Pick<ListFilter, 'search' | 'orderIds'> {
  if (!isEmail(q)) return { search: q.trim() || q };
  if (!billing?.orderIdsByEmail)
    throw new HttpError(
      400,
      'q: this deployment cannot search by email (billing is not readable from the API)',
      [{ path: 'q', message: 'search by order id or customer id instead' }],
    );
  try {
    return { orderIds: billing.orderIdsByEmail(q, EMAIL_ORDERS_MAX) };
  } catch {
    throw new HttpError(
      503,
      'billing is unavailable, so an email cannot be looked up; search by order or customer id',
    );
  }
}

export async function listPage(
  cases: RefundCases,
  filter: Omit<ListFilter, 'status' | 'limit'>,
  query: z.output<typeof ListCasesQuery>,
) {
  try {
    const [page, cachedCounts] = await Promise.all([
      cases.page(
        { ...filter, ...(query.status ? { status: query.status } : {}) },
        {
          pageSize: query.pageSize ?? query.limit ?? 50,
          ...(query.pageToken ? { pageToken: query.pageToken } : {}),
          ...(query.sort ? { sort: query.sort } : {}),
          ...(query.order ? { order: query.order } : {}),
        },
      ),
      cases.countByStatus(filter),
    ]);
    // Without a status filter the counts are the total by status: counted again if the cached
    // ones no longer add up (a case started or moved since), so the page never shows two figures.
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const counts =
      !query.status && sum(cachedCounts) !== page.total
        ? await cases.countByStatus(filter, { fresh: true })
        : cachedCounts;
    return {
      cases: page.items,
      counts,
      total: page.total,
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    };
  } catch (err) {
    if (err instanceof PageTokenError || err instanceof SortRefusedError)
      throw new HttpError(400, err.message, [{ path: err.field, message: err.message }]);
    throw err;
  }
}
