import { useEffect, useState } from 'preact/hooks';
import { apiPage } from './api';
import type { OperatorResponseDto, RequestResponseDto, SourceResponseDto } from './api-types';
import { time } from './format';
import type { Names } from './names';

export const PAGE_SIZE = 20;

export interface SearchFilter {
  lead: string;
  source: string;
  operator: string;
  status: '' | 'active' | 'waiting' | 'closed';
  offset: number;
}

export const NO_FILTER: SearchFilter = {
  lead: '',
  source: '',
  operator: '',
  status: '',
  offset: 0,
};

interface Props {
  filter: SearchFilter;
  onFilter(filter: SearchFilter): void;
  operators: OperatorResponseDto[];
  sources: SourceResponseDto[];
  names: Names;
  /** Changes whenever the board reloads (a live event, an action): the page is read again. */
  generation: number;
  onOpen(requestId: number): void;
  explain(error: unknown): string;
}

function query(filter: SearchFilter): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(filter.offset) });
  if (filter.lead.trim()) params.set('lead_id', filter.lead.trim());
  if (filter.source) params.set('source_id', filter.source);
  if (filter.operator) params.set('operator_id', filter.operator);
  if (filter.status === 'waiting') params.set('waiting', 'true');
  else if (filter.status) params.set('status', filter.status);
  return `/requests?${params.toString()}`;
}

/** Requests by lead, source, operator and status, a page at a time (X-Total-Count). */
export function RequestSearch(props: Props) {
  const { filter, onFilter, operators, sources, names, generation, onOpen, explain } = props;
  const [draft, setDraft] = useState<SearchFilter>(filter);
  const [page, setPage] = useState<{ items: RequestResponseDto[]; total: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => setDraft(filter), [filter]);

  useEffect(() => {
    if (filter.lead.trim() && !/^[1-9]\d*$/.test(filter.lead.trim())) {
      setProblem('A lead is searched by its id, a whole number from 1.');
      return;
    }
    let cancelled = false;
    apiPage<RequestResponseDto>(query(filter)).then(
      (result) => {
        if (cancelled) return;
        setPage(result);
        setProblem(null);
      },
      (error: unknown) => {
        if (!cancelled) setProblem(explain(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [filter, generation]);

  const first = page && page.total > 0 ? filter.offset + 1 : 0;
  const last = page ? filter.offset + page.items.length : 0;
  const set = (change: Partial<SearchFilter>) => setDraft({ ...draft, ...change });

  return (
    <section class="card search" aria-labelledby="search-title" id="search">
      <h2 id="search-title" tabIndex={-1}>
        Requests
      </h2>
      <form
        class="search-form"
        role="search"
        aria-label="Search requests"
        onSubmit={(event) => {
          event.preventDefault();
          onFilter({ ...draft, offset: 0 });
        }}
      >
        <div class="field">
          <label for="search-lead">Lead ID</label>
          <input
            id="search-lead"
            inputMode="numeric"
            size={6}
            value={draft.lead}
            onInput={(event) => set({ lead: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="search-source">Source</label>
          <select
            id="search-source"
            value={draft.source}
            onChange={(event) => set({ source: event.currentTarget.value })}
          >
            <option value="">Any source</option>
            {sources.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="search-operator">Operator</label>
          <select
            id="search-operator"
            value={draft.operator}
            onChange={(event) => set({ operator: event.currentTarget.value })}
          >
            <option value="">Any operator</option>
            {operators.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="search-status">Status</label>
          <select
            id="search-status"
            value={draft.status}
            onChange={(event) =>
              set({ status: event.currentTarget.value as SearchFilter['status'] })
            }
          >
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="waiting">Waiting (no operator)</option>
            <option value="closed">Closed</option>
          </select>
        </div>
        <div class="search-buttons">
          <button type="submit">Search</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(NO_FILTER);
              onFilter(NO_FILTER);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {problem && (
        <p class="error-text" role="alert">
          {problem}
        </p>
      )}
      <p class="meta" role="status" aria-live="polite">
        {page === null
          ? 'Loading…'
          : page.total === 0
            ? 'No request matches.'
            : `${first}–${last} of ${page.total}`}
      </p>
      {page && page.items.length > 0 && (
        <div class="scroll">
          <table aria-label="Search results">
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Lead</th>
                <th scope="col">Source</th>
                <th scope="col">Operator</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <button type="button" class="link" onClick={() => onOpen(r.id)}>
                      Request #{r.id}
                    </button>
                  </th>
                  <td>#{r.lead_id}</td>
                  <td>{names.source(r.source_id)}</td>
                  <td>
                    {r.pending_offer
                      ? `offered to ${names.operator(r.pending_offer.operator_id)}`
                      : r.operator_id === null
                        ? '—'
                        : (r.operator_name ?? names.operator(r.operator_id))}
                  </td>
                  <td>
                    {r.status === 'active' && r.operator_id === null && !r.pending_offer
                      ? 'waiting'
                      : r.status}
                  </td>
                  <td>{time(r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && page.total > PAGE_SIZE && (
        <nav class="pager" aria-label="Pages of requests">
          <button
            type="button"
            class="secondary"
            disabled={filter.offset === 0}
            onClick={() => onFilter({ ...filter, offset: Math.max(0, filter.offset - PAGE_SIZE) })}
          >
            Previous page
          </button>
          <button
            type="button"
            class="secondary"
            disabled={last >= page.total}
            onClick={() => onFilter({ ...filter, offset: filter.offset + PAGE_SIZE })}
          >
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}
