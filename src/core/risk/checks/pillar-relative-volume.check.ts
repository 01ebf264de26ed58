/** 5 Pillars: relative volume at least minRelativeVolume — judged only when the signal carries it. */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const pillarRelativeVolumeCheck: EntryCheck = {
  name: 'pillar-relative-volume',
  check: ({ signal, settings }) => {
    const rvol = signal.relativeVolume;
    if (rvol === null || rvol >= settings.minRelativeVolume) return null;
    return deny('PILLAR_RELATIVE_VOLUME', `relative volume ${rvol}x is below the ${settings.minRelativeVolume}x pillar`, {
      relativeVolume: rvol,
      limit: settings.minRelativeVolume,
    });
  },
};
