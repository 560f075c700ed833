import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { RoomParticipant } from '../../../shared/signaling.js';
import { columnsFor, gridFit, pageOf } from './grid-pages.js';
import styles from './gestures.module.css';

interface GridViewProps {
  participants: RoomParticipant[];
  /** One tile per participant, the same size for all. */
  tile: (participant: RoomParticipant) => ReactNode;
}

/** Every camera the same size, paged past what fits the window. */
export function GridView({ participants, tile }: GridViewProps) {
  const { t } = useTranslation();
  const fit = useGridFit();
  const [wanted, setWanted] = useState(0);
  const { items, page, pages } = pageOf(participants, fit.columns * fit.rows, wanted);
  const columns = columnsFor(items.length, fit);
  return (
    <section className={styles.grid} aria-label={t('gestures.grid')} data-testid="grid">
      <ul
        className={styles.gridTiles}
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
        data-testid="grid-tiles"
      >
        {items.map((participant) => tile(participant))}
      </ul>
      {pages > 1 && (
        <div className={styles.gridPager}>
          <button
            type="button"
            className={styles.lowerHand}
            onClick={() => setWanted(page - 1)}
            disabled={page === 0}
          >
            {t('gestures.previousPage')}
          </button>
          <span role="status" data-testid="grid-page">
            {t('gestures.page', { page: page + 1, pages })}
          </span>
          <button
            type="button"
            className={styles.lowerHand}
            onClick={() => setWanted(page + 1)}
            disabled={page === pages - 1}
          >
            {t('gestures.nextPage')}
          </button>
        </div>
      )}
    </section>
  );
}

/** How many tiles fit the window, again on each resize. */
function useGridFit(): { columns: number; rows: number } {
  const measure = () => gridFit(window.innerWidth, window.innerHeight);
  const [fit, setFit] = useState(measure);
  useEffect(() => {
    const resized = () => setFit(measure());
    window.addEventListener('resize', resized);
    return () => window.removeEventListener('resize', resized);
  }, []);
  return fit;
}
