import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, authRequired, backgroundRead, session, whoAmI } from './api';
import type {
  OfferResponseDto,
  OperatorResponseDto,
  PublicEvent,
  ReleaseResponseDto,
  RequestResponseDto,
  SourceResponseDto,
  SourceStatsDto,
  StrategyResponseDto,
} from './api-types';
import { Desk } from './Desk';
import { Distribution } from './Distribution';
import { time } from './format';
import { explain, type Names } from './names';
import { OperatorForm } from './OperatorForm';
import { Operators } from './Operators';
import { PendingOffers } from './PendingOffers';
import { RequestDetail } from './RequestDetail';
import { NO_FILTER, RequestSearch, type SearchFilter } from './RequestSearch';
import { ServiceLevels } from './ServiceLevels';
import { SourceForm } from './SourceForm';
import { SignIn } from './SignIn';
import { Sources } from './Sources';
import { Staffing } from './Staffing';
import { connectStream, type StreamState } from './stream';
import { POLL_MS } from './timing';
import { Waiting } from './Waiting';
import { WeightsEditor } from './WeightsEditor';

/** How often the waiting ages ("waiting 42 s") are redrawn; no request is made. */
const TICK_MS = 10_000;
const FEED_SIZE = 12;

interface Message {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

interface Data {
  operators: OperatorResponseDto[];
  sources: SourceResponseDto[];
  waiting: RequestResponseDto[];
  stats: SourceStatsDto[];
  offers: OfferResponseDto[];
}

const EMPTY: Data = { operators: [], sources: [], waiting: [], stats: [], offers: [] };

type Auth = 'checking' | 'signed-out' | 'ready';

export function App() {
  const [auth, setAuth] = useState<Auth>('checking');
  const [needsKey, setNeedsKey] = useState(false);
  /** Signed in with an operator key: that operator, whose desk is shown instead of the board. */
  const [operator, setOperator] = useState<OperatorResponseDto | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const nextMessage = useRef(1);

  const say = useCallback((kind: Message['kind'], text: string) => {
    setMessages((list) =>
      list.some((m) => m.text === text)
        ? list
        : [...list.slice(-4), { id: nextMessage.current++, kind, text }],
    );
  }, []);

  const signOut = useCallback((reason?: string) => {
    session.clear();
    setAuth('signed-out');
    if (reason) say('error', reason);
  }, []);

  const report = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) {
      signOut('The service refused the key: sign in again.');
      return;
    }
    say('error', error instanceof Error ? error.message : String(error));
  }, []);

  /** An operator key opens the desk; any other key (or none) the board, as before. */
  const enter = () =>
    whoAmI().then(
      (me) => {
        setOperator(me);
        setAuth('ready');
      },
      (error: unknown) => {
        signOut(`Cannot sign in: ${error instanceof Error ? error.message : error}`);
      },
    );

  useEffect(() => {
    authRequired().then(
      (required) => {
        setNeedsKey(required);
        if (required && !session.key()) setAuth('signed-out');
        else void enter();
      },
      (error: unknown) => {
        say('error', `Cannot reach the service: ${error instanceof Error ? error.message : error}`);
      },
    );
  }, []);

  return (
    <>
      <header class="top">
        <h1>Lead distribution console</h1>
        {auth === 'ready' && needsKey && (
          <button type="button" class="secondary" onClick={() => signOut()}>
            Sign out
          </button>
        )}
      </header>
      <Messages
        messages={messages}
        onDismiss={(id) => setMessages((list) => list.filter((m) => m.id !== id))}
      />
      {auth === 'checking' && <p class="loading">Loading…</p>}
      {auth === 'signed-out' && (
        <SignIn
          onSignIn={(key) => {
            session.save(key);
            setMessages([]);
            setAuth('checking');
            void enter();
          }}
        />
      )}
      {auth === 'ready' &&
        (operator ? (
          <Desk me={operator} say={say} onUnauthorized={signOut} />
        ) : (
          <Board say={say} report={report} onUnauthorized={signOut} />
        ))}
    </>
  );
}

function Messages({ messages, onDismiss }: { messages: Message[]; onDismiss(id: number): void }) {
  return (
    <div class="messages" role="alert" aria-live="assertive">
      {messages.map((m) => (
        <p key={m.id} class={`message ${m.kind}`}>
          <span>{m.text}</span>
          <button type="button" class="link" onClick={() => onDismiss(m.id)}>
            Dismiss
          </button>
        </p>
      ))}
    </div>
  );
}

interface BoardProps {
  say(kind: Message['kind'], text: string): void;
  report(error: unknown): void;
  onUnauthorized(reason: string): void;
}

function Board({ say, report, onUnauthorized }: BoardProps) {
  const [data, setData] = useState<Data>(EMPTY);
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState<StreamState>('connecting');
  const [feed, setFeed] = useState<PublicEvent[]>([]);
  const [now, setNow] = useState(Date.now());
  const [editing, setEditing] = useState<SourceResponseDto | null>(null);
  const [detail, setDetail] = useState<{ id: number; version: number } | null>(null);
  /** undefined: closed; null: adding; else: editing that one. */
  const [operatorForm, setOperatorForm] = useState<OperatorResponseDto | null | undefined>();
  const [sourceForm, setSourceForm] = useState<SourceResponseDto | null | undefined>();
  const [strategies, setStrategies] = useState<StrategyResponseDto[]>([]);
  const [filter, setFilter] = useState<SearchFilter>(NO_FILTER);
  const [generation, setGeneration] = useState(0);
  const refreshing = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const refresh = useCallback((background = false): Promise<void> => {
    const read = <T,>(path: string) => (background ? backgroundRead<T>(path) : api<T>('GET', path));
    if (refreshing.current) {
      again.current = true;
      return refreshing.current;
    }
    const run = async () => {
      do {
        again.current = false;
        try {
          const [operators, sources, waiting, stats, offers] = await Promise.all([
            read<OperatorResponseDto[]>('/operators?limit=1000'),
            read<SourceResponseDto[]>('/sources?limit=1000'),
            read<RequestResponseDto[]>('/requests?waiting=true&limit=200'),
            read<SourceStatsDto[]>('/requests/distribution/stats?limit=1000'),
            read<OfferResponseDto[]>('/offers?status=pending&limit=200'),
          ]);
          setData({ operators, sources, waiting, stats, offers });
          setLoaded(true);
          setGeneration((n) => n + 1);
        } catch (error) {
          report(error);
          return;
        }
      } while (again.current);
    };
    refreshing.current = run().finally(() => (refreshing.current = null));
    return refreshing.current;
  }, []);

  useEffect(() => {
    void refresh();
    api<StrategyResponseDto[]>('GET', '/strategies').then(setStrategies, report);
    const poll = window.setInterval(() => void refresh(true), POLL_MS);
    const tick = window.setInterval(() => setNow(Date.now()), TICK_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(poll);
      window.clearInterval(tick);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  useEffect(
    () =>
      connectStream({
        onState: (state) => {
          if (state === 'unauthorized' || state === 'forbidden')
            onUnauthorized('The service refused the key: sign in again.');
          else setLive(state);
          // (Re)connected: catch up on whatever changed while the stream was down.
          if (state === 'live') void refresh();
        },
        onEvent: (event) => {
          setNow(Date.now());
          setFeed((list) => [event, ...list].slice(0, FEED_SIZE));
          setDetail((d) =>
            d && d.id === event.data.request.id ? { ...d, version: d.version + 1 } : d,
          );
          void refresh();
        },
      }),
    [],
  );

  const sourceName = (id: number) => data.sources.find((s) => s.id === id)?.name ?? `source ${id}`;
  const operatorName = (id: number | null) =>
    id === null ? 'nobody' : (data.operators.find((o) => o.id === id)?.name ?? `operator ${id}`);
  const names: Names = { operator: operatorName, source: sourceName };
  /** The service's error in names; a refused key still signs out. */
  const words = (error: unknown) => explain(error, names);
  const fail = (error: unknown) =>
    error instanceof ApiError && error.status === 401 ? report(error) : say('error', words(error));

  const act = async (work: () => Promise<unknown>, done?: string) => {
    try {
      await work();
      if (done) say('info', done);
    } catch (error) {
      fail(error);
    }
    await refresh();
  };

  const saved = (text: string) => {
    say('info', text);
    void refresh();
  };

  const showRequestsOf = (operator: OperatorResponseDto) => {
    setFilter({ ...NO_FILTER, operator: String(operator.id), status: 'active' });
    window.requestAnimationFrame(() => {
      const heading = document.getElementById('search-title');
      heading?.scrollIntoView({ block: 'start' });
      heading?.focus({ preventScroll: true });
    });
  };

  return (
    <>
      <p class={`live live-${live}`} role="status">
        {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        {!loaded && ' · loading data…'}
      </p>
      <main class="board">
        <Operators
          operators={data.operators}
          now={now}
          onToggle={(operator, active) =>
            void act(() => api('PATCH', `/operators/${operator.id}`, { is_active: active }))
          }
          onAdd={() => setOperatorForm(null)}
          onEdit={setOperatorForm}
          onShowRequests={showRequestsOf}
          onSaveSkills={async (operator, skills) => {
            await api('PATCH', `/operators/${operator.id}`, { skills });
            say('info', `Skills of ${operator.name} saved.`);
            // Read back before the editor closes, so the cell never shows the old skills.
            await refresh();
          }}
          explain={words}
          onRelease={(operator) =>
            void act(async () => {
              const result = await api<ReleaseResponseDto>(
                'POST',
                `/operators/${operator.id}/release`,
              );
              say(
                'info',
                `Released ${result.released} of ${operator.name}: ${result.reassigned} reassigned, ${result.waiting} waiting.`,
              );
            })
          }
        />
        <Waiting
          waiting={data.waiting}
          operators={data.operators}
          sourceName={sourceName}
          now={now}
          onAssign={(request, operatorId) =>
            void act(
              () => api('POST', `/requests/${request.id}/assign`, { operator_id: operatorId }),
              `Request #${request.id} assigned to ${operatorName(operatorId)}.`,
            )
          }
          onOpen={(request) => setDetail({ id: request.id, version: 0 })}
        />
        <PendingOffers
          offers={data.offers}
          operatorName={operatorName}
          onOpen={(id) => setDetail({ id, version: 0 })}
        />
        <Sources
          sources={data.sources}
          onEdit={setEditing}
          onAdd={() => setSourceForm(null)}
          onEditSource={setSourceForm}
        />
        <Distribution stats={data.stats} />
        <section class="card" aria-labelledby="feed-title">
          <h2 id="feed-title">Live events</h2>
          {feed.length === 0 ? (
            <p class="empty">Events appear here as they happen.</p>
          ) : (
            <ol class="feed">
              {feed.map((event) => (
                <li key={event.id}>
                  <span class="event-type">{event.type.replace('request.', '')}</span>{' '}
                  <button
                    type="button"
                    class="link"
                    onClick={() => setDetail({ id: event.data.request.id, version: 0 })}
                  >
                    Request #{event.data.request.id}
                  </button>{' '}
                  <span class="meta">
                    {time(event.created_at)} · {sourceName(event.data.request.source_id)}
                    {event.data.request.operator_name && ` · ${event.data.request.operator_name}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <RequestSearch
          filter={filter}
          onFilter={setFilter}
          operators={data.operators}
          sources={data.sources}
          names={names}
          generation={generation}
          onOpen={(id) => setDetail({ id, version: 0 })}
          explain={words}
        />
        <ServiceLevels sources={data.sources} generation={generation} explain={words} />
        <Staffing sources={data.sources} generation={generation} explain={words} />
      </main>
      {editing && (
        <WeightsEditor
          source={editing}
          operators={data.operators}
          onClose={() => setEditing(null)}
          onSaved={saved}
          onError={fail}
        />
      )}
      {operatorForm !== undefined && (
        <OperatorForm
          operator={operatorForm}
          onClose={() => setOperatorForm(undefined)}
          onSaved={saved}
          explain={words}
        />
      )}
      {sourceForm !== undefined && (
        <SourceForm
          source={sourceForm}
          strategies={strategies}
          onClose={() => setSourceForm(undefined)}
          onSaved={saved}
          explain={words}
        />
      )}
      {detail && (
        <RequestDetail
          requestId={detail.id}
          version={detail.version}
          operators={data.operators}
          operatorName={operatorName}
          explain={words}
          onChanged={saved}
          onClose={() => setDetail(null)}
        />
      )}
    </>
  );
}
