// One page of support's case list, with the total visibility counts for the same filter and a
// token for the next page. Visibility pages by its own order (running cases newest first, then
// closed ones by when they closed); that order is `sort=updated`, the default, and its pages come
// straight from visibility's own page tokens. Another order is asked of visibility with ORDER BY;
// stores that refuse ORDER BY (the SQL ones: the dev server's SQLite, PostgreSQL, MySQL — only
// Elasticsearch sorts) are read whole up to SORT_SCAN_LIMIT rows and sorted here, and a filter
// matching more than that is refused with a 400 naming `sort` rather than sorted wrongly.
import { createHash } from 'node:crypto';
import { ServiceError, isGrpcServiceError, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

export const CASE_SORTS = ['deadline', 'opened', 'updated'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** The most rows read to sort on a store without ORDER BY. */
export const SORT_SCAN_LIMIT = 2_000;

export interface PageRequest {
  pageSize: number;
  pageToken?: string;
  sort?: CaseSort;
  order?: SortOrder;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
  total: number;
}

/** A page token that does not belong to this query (or is not a token at all): the caller's 400. */
export class PageTokenError extends Error {
  readonly field = 'pageToken';
}
/** A sort the store cannot do honestly for this filter: the caller's 400. */
export class SortRefusedError extends Error {
  readonly field = 'sort';
}

type Raw = temporal.api.workflow.v1.IWorkflowExecutionInfo;
/** q: the query's digest; v: visibility's token; n: rows before the page; o: the offset when sorted here. */
type Token = { q: string; v?: string; n?: number; o?: number };

/** The token names its query (a digest), so a token carried to another filter or sort is refused. */
const digest = (query: string, sort: string, order: string): string =>
  createHash('sha256').update(`${query}\n${sort}\n${order}`).digest('base64url').slice(0, 16);

export function encodeToken(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, q: string): Token {
  let token: Token;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Token;
  } catch {
    throw new PageTokenError('pageToken: not a page token this API gave');
  }
  if (!token || typeof token !== 'object' || typeof token.q !== 'string')
    throw new PageTokenError('pageToken: not a page token this API gave');
  if (token.q !== q) throw new PageTokenError('pageToken: belongs to another filter or sort; start again');
  const count = (v: unknown) => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);
  if (!count(token.o) || !count(token.n))
    throw new PageTokenError('pageToken: not a page token this API gave');
  return token;
}

const orderByRefused = (err: unknown): boolean =>
  isGrpcServiceError(err) && /order by/i.test(err.details ?? err.message);

function serviceError(err: unknown): never {
  // The raw service call throws gRPC errors as they come; callers (the API's 503) expect the SDK's.
  if (isGrpcServiceError(err)) throw new ServiceError('listing cases failed', { cause: err });
  throw err;
}

/** Visibility's search attribute or column for a sort key, and how a row sorts here when the store cannot. */
const SORT_COLUMN: Record<Exclude<CaseSort, 'updated'>, string> = {
  deadline: 'RefundNextDeadline',
  opened: 'StartTime',
};

export class CasePager<T> {
  /** Learned from the store's first refusal: the SQL stores never start accepting ORDER BY. */
  private orderByRefused = false;

  constructor(
    private readonly client: Client,
    private readonly summarise: (raw: Raw) => T,
    /** A row's sort value when sorting here (undefined sorts last whatever the order). */
    private readonly sortValue: (item: T, sort: CaseSort) => number | undefined,
  ) {}

  async page(query: string, req: PageRequest): Promise<Page<T>> {
    const sort = req.sort ?? 'updated';
    const order = req.order ?? (sort === 'deadline' ? 'asc' : 'desc');
    const q = digest(query, sort, order);
    const token = req.pageToken ? decodeToken(req.pageToken, q) : undefined;
    const total = this.count(query);
    total.catch(() => undefined); // awaited below; a failure is reported once, from there
    let page: Omit<Page<T>, 'total'>;
    if (sort === 'updated' && order === 'desc')
      page = await this.visibilityPage(query, req.pageSize, q, token, total);
    else if (!this.orderByRefused && token?.o === undefined) {
      const ordered = `${query} ORDER BY ${sort === 'updated' ? 'CloseTime' : SORT_COLUMN[sort]} ${order.toUpperCase()}`;
      try {
        page = await this.visibilityPage(ordered, req.pageSize, q, token, total);
      } catch (err) {
        if (!orderByRefused(err)) throw err;
        this.orderByRefused = true;
        page = await this.sortedHere(query, req.pageSize, q, sort, order, 0, await total);
      }
    } else page = await this.sortedHere(query, req.pageSize, q, sort, order, token?.o ?? 0, await total);
    return { ...page, total: await total };
  }

  async count(query: string): Promise<number> {
    return (await this.client.workflow.count(query).catch(serviceError)).count;
  }

  private async visibilityPage(
    query: string,
    pageSize: number,
    q: string,
    token: Token | undefined,
    total: Promise<number>,
  ): Promise<Omit<Page<T>, 'total'>> {
    const page = await this.client.workflowService
      .listWorkflowExecutions({
        namespace: this.client.options.namespace,
        query,
        pageSize,
        ...(token?.v ? { nextPageToken: Buffer.from(token.v, 'base64url') } : {}),
      })
      .catch((err: unknown) => {
        if (orderByRefused(err)) throw err;
        // A token the store cannot read (another server, a changed store) is the caller's to drop.
        if (token?.v && isGrpcServiceError(err) && /token/i.test(err.details ?? err.message))
          throw new PageTokenError('pageToken: the case store no longer knows this token; start again');
        return serviceError(err);
      });
    const next = page.nextPageToken?.length
      ? Buffer.from(page.nextPageToken).toString('base64url')
      : undefined;
    const items = page.executions.map(this.summarise);
    // Visibility answers a full last page with a token to an empty one: the count says it is the last.
    const seen = (token?.n ?? 0) + items.length;
    const more = !!next && items.length > 0 && seen < (await total);
    return { items, ...(more ? { nextPageToken: encodeToken({ q, v: next, n: seen }) } : {}) };
  }

  private async sortedHere(
    query: string,
    pageSize: number,
    q: string,
    sort: CaseSort,
    order: SortOrder,
    offset: number,
    total: number,
  ): Promise<Omit<Page<T>, 'total'>> {
    if (total > SORT_SCAN_LIMIT)
      throw new SortRefusedError(
        `sort: this case store cannot sort (no ORDER BY) and ${total} cases match, more than ${SORT_SCAN_LIMIT} to sort here; narrow the filter or use sort=updated`,
      );
    const all: T[] = [];
    let next: Uint8Array | undefined;
    do {
      const page = await this.client.workflowService
        .listWorkflowExecutions({
          namespace: this.client.options.namespace,
          query,
          pageSize: 1000,
          ...(next ? { nextPageToken: next } : {}),
        })
        .catch(serviceError);
      all.push(...page.executions.map(this.summarise));
      next = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (next && all.length < SORT_SCAN_LIMIT);
    const sign = order === 'asc' ? 1 : -1;
    // Stable: equal keys keep visibility's order, so pages do not shuffle between reads.
    const sorted = all
      .map((item, i) => ({ item, i, key: this.sortValue(item, sort) }))
      .sort((a, b) => {
        if (a.key === undefined || b.key === undefined)
          return a.key === b.key ? a.i - b.i : a.key === undefined ? 1 : -1;
        return (a.key - b.key) * sign || a.i - b.i;
      })
      .map((s) => s.item);
    const items = sorted.slice(offset, offset + pageSize);
    const end = offset + items.length;
    return { items, ...(end < sorted.length ? { nextPageToken: encodeToken({ q, o: end }) } : {}) };
  }
}
