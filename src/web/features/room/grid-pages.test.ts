import { describe, expect, it } from 'vitest';
import { columnsFor, gridFit, pageOf } from './grid-pages.js';

describe('grid pages', () => {
  it('fits as many equal tiles as the space holds, at least one', () => {
    expect(gridFit(1280, 800)).toEqual({ columns: 5, rows: 4 });
    expect(gridFit(300, 480)).toEqual({ columns: 1, rows: 2 });
    expect(gridFit(100, 100)).toEqual({ columns: 1, rows: 1 });
  });

  it('lays tiles out near square, in no more columns than fit', () => {
    expect(columnsFor(4, { columns: 5 })).toBe(2);
    expect(columnsFor(5, { columns: 5 })).toBe(3);
    expect(columnsFor(2, { columns: 1 })).toBe(1);
    expect(columnsFor(0, { columns: 3 })).toBe(1);
  });

  it('pages past what fits and keeps a page past the end on the last one', () => {
    const people = ['a', 'b', 'c', 'd', 'e'];
    expect(pageOf(people, 2, 0)).toEqual({ items: ['a', 'b'], page: 0, pages: 3 });
    expect(pageOf(people, 2, 2)).toEqual({ items: ['e'], page: 2, pages: 3 });
    expect(pageOf(people, 2, 7)).toEqual({ items: ['e'], page: 2, pages: 3 });
    expect(pageOf([], 4, 0)).toEqual({ items: [], page: 0, pages: 1 });
  });
});
