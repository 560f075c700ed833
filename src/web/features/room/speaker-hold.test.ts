import { describe, expect, it } from 'vitest';
import { followSpeaker } from './speaker-hold.js';

describe('followSpeaker', () => {
  const none = { speakerId: null, since: 0 };

  it('takes the loudest speaker at once when nobody was followed', () => {
    expect(followSpeaker(none, ['ana', 'ben'], 100)).toEqual({ speakerId: 'ana', since: 100 });
  });

  it('keeps the current speaker while they still speak, even when another is louder', () => {
    const ana = { speakerId: 'ana', since: 0 };
    expect(followSpeaker(ana, ['ben', 'ana'], 10_000)).toBe(ana);
  });

  it('holds the current speaker for the hold time, then switches to the new one', () => {
    const ana = { speakerId: 'ana', since: 1000 };
    expect(followSpeaker(ana, ['ben'], 1500, 1200)).toBe(ana);
    expect(followSpeaker(ana, ['ben'], 2200, 1200)).toEqual({ speakerId: 'ben', since: 2200 });
  });

  it('keeps the last speaker while nobody speaks', () => {
    const ana = { speakerId: 'ana', since: 0 };
    expect(followSpeaker(ana, [], 50_000)).toBe(ana);
  });
});
