import { describe, expect, it } from 'vitest';
import { rateStars } from '../../src/core/signals/rate-stars.js';
import { aSignal } from './core-builders.js';

describe('rateStars', () => {
  it('lets explicit stars win over the tier rule', () => {
    expect(rateStars(aSignal({ catalystTier: 1, stars: 2 }))).toBe(2);
    expect(rateStars(aSignal({ catalystTier: 4, aiConfidence: null, stars: 4 }))).toBe(4);
  });

  it('rates tier 1 and 2 catalysts 5 stars whatever the confidence', () => {
    expect(rateStars(aSignal({ catalystTier: 1, aiConfidence: 'low' }))).toBe(5);
    expect(rateStars(aSignal({ catalystTier: 2, aiConfidence: null }))).toBe(5);
  });

  it('rates tier 3 and 4 by AI confidence: high 5, medium 4, low 3', () => {
    expect(rateStars(aSignal({ catalystTier: 3, aiConfidence: 'high' }))).toBe(5);
    expect(rateStars(aSignal({ catalystTier: 3, aiConfidence: 'medium' }))).toBe(4);
    expect(rateStars(aSignal({ catalystTier: 4, aiConfidence: 'low' }))).toBe(3);
  });

  it('cannot rate a tier 3 or 4 signal without AI confidence', () => {
    expect(rateStars(aSignal({ catalystTier: 3, aiConfidence: null }))).toBeNull();
    expect(rateStars(aSignal({ catalystTier: 4, aiConfidence: null }))).toBeNull();
  });

  it('ignores an explicit rating outside 1–5 and falls back to the tier rule', () => {
    expect(rateStars(aSignal({ catalystTier: 3, aiConfidence: 'medium', stars: 9 }))).toBe(4);
  });
});
