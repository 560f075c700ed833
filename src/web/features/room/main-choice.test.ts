import { describe, expect, it } from 'vitest';
import { chooseMain, type MainCandidate } from './main-choice.js';

const ana = { peerId: 'ana', screen: false };
const ben = { peerId: 'ben', screen: false };
const eva = { peerId: 'eva', screen: false };

function main(
  participants: MainCandidate[],
  selfId: string | null,
  pinnedId: string | null = null,
  latestSharerId: string | null = null,
) {
  return chooseMain({ participants, selfId, pinnedId, latestSharerId });
}

describe('chooseMain', () => {
  it('shows the last participant who connected', () => {
    expect(main([ana, ben, eva], 'ana')).toBe('eva');
    expect(main([ana, ben, eva], 'ben')).toBe('eva');
  });

  it('never shows the viewer themself unless alone', () => {
    expect(main([ana, ben, eva], 'eva')).toBe('ben');
    expect(main([ana], 'ana')).toBe('ana');
    expect(main([], null)).toBeNull();
  });

  it('keeps the clicked participant while present, then falls back to the last connected', () => {
    expect(main([ana, ben, eva], 'ana', 'ben')).toBe('ben');
    expect(main([ana, eva], 'ana', 'ben')).toBe('eva');
  });

  it('lets a click show oneself', () => {
    expect(main([ana, ben], 'ana', 'ana')).toBe('ana');
  });

  it('shows a screen share to everyone while it lasts', () => {
    const sharing = { peerId: 'ben', screen: true };
    expect(main([ana, sharing, eva], 'ana', null, 'ben')).toBe('ben');
    expect(main([ana, ben, eva], 'ana', null, 'ben')).toBe('eva');
  });

  it('lets a click win over a share', () => {
    const sharing = { peerId: 'ben', screen: true };
    expect(main([ana, sharing, eva], 'ana', 'eva', 'ben')).toBe('eva');
  });

  it('follows the speaker when on, under a click and a screen share, never oneself', () => {
    const input = { participants: [ana, ben, eva], selfId: 'ana', pinnedId: null };
    expect(chooseMain({ ...input, latestSharerId: null, speakerId: 'ben' })).toBe('ben');
    expect(chooseMain({ ...input, latestSharerId: null, speakerId: 'ana' })).toBe('eva');
    expect(chooseMain({ ...input, latestSharerId: null, speakerId: 'gone' })).toBe('eva');
    expect(chooseMain({ ...input, pinnedId: 'eva', latestSharerId: null, speakerId: 'ben' })).toBe(
      'eva',
    );
    const sharing = [ana, ben, { peerId: 'eva', screen: true }];
    expect(
      chooseMain({ ...input, participants: sharing, latestSharerId: 'eva', speakerId: 'ben' }),
    ).toBe('eva');
  });
});
