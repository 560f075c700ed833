import { useCallback, useState } from 'react';
import { useLoad, type Loaded } from './use-load.js';

/** One page of a list as the API answers it: items and where the next page starts. */
export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

type More = { status: 'idle' } | { status: 'loading' } | { status: 'failed'; error: unknown };

/**
 * A list loaded a page at a time: the first page whenever `key` changes (as useLoad), then one
 * more page for each `loadMore()`. Pages loaded for an older key are dropped.
 */
export function usePagedList<T>(
  key: string,
  load: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>,
) {
  const first = useLoad(key, (signal) => load(null, signal));
  const [extra, setExtra] = useState<{ key: string; pages: Page<T>[] }>({ key, pages: [] });
  const [moreState, setMore] = useState<{ key: string; more: More }>({
    key,
    more: { status: 'idle' },
  });
  const pages = extra.key === key ? extra.pages : [];
  // A page still loading for the previous key is no concern of this list.
  const more: More = moreState.key === key ? moreState.more : { status: 'idle' };

  const loaded: Loaded<{ items: T[]; hasMore: boolean }> =
    first.loaded.status !== 'ready'
      ? first.loaded
      : {
          status: 'ready',
          data: {
            items: [first.loaded.data, ...pages].flatMap((page) => page.items),
            hasMore: (pages.at(-1) ?? first.loaded.data).nextCursor !== null,
          },
        };

  const cursor =
    first.loaded.status === 'ready' ? (pages.at(-1) ?? first.loaded.data).nextCursor : null;
  const loadMore = useCallback(async () => {
    if (cursor === null) return;
    setMore({ key, more: { status: 'loading' } });
    try {
      const page = await load(cursor);
      setExtra((current) => ({
        key,
        pages: [...(current.key === key ? current.pages : []), page],
      }));
      setMore({ key, more: { status: 'idle' } });
    } catch (error) {
      setMore({ key, more: { status: 'failed', error } });
    }
  }, [cursor, key, load]);

  const { reload: reloadFirst } = first;
  const reload = useCallback(() => {
    setExtra({ key, pages: [] });
    setMore({ key, more: { status: 'idle' } });
    reloadFirst();
  }, [key, reloadFirst]);

  return { loaded, more, loadMore, reload };
}
