/** 5 Pillars: float at most maxFloatShares — judged only when the signal carries the float. */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const pillarFloatCheck: EntryCheck = {
  name: 'pillar-float',
  check: ({ signal, settings }) => {
    const float = signal.floatShares;
    if (float === null || float <= settings.maxFloatShares) return null;
    return deny('PILLAR_FLOAT', `float ${float} shares is above the ${settings.maxFloatShares} float pillar`, {
      floatShares: float,
      limit: settings.maxFloatShares,
    });
  },
};
