/** Awaits concrete stream events — the tests' only way of waiting (no sleeps). */
import { filter, firstValueFrom, take, type Observable } from 'rxjs';

/** the next event of `type` (optionally matching `where`) */
export function nextEvent<E extends { type: string }, T extends E['type']>(
  events$: Observable<E>,
  type: T,
  where: (e: Extract<E, { type: T }>) => boolean = () => true,
): Promise<Extract<E, { type: T }>> {
  return firstValueFrom(events$.pipe(filter((e): e is Extract<E, { type: T }> => e.type === type && where(e as Extract<E, { type: T }>)), take(1)));
}
