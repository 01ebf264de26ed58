/**
 * XState's `inspect` callback. The composition root passes ONE observer to the bot's actor and to
 * every position actor when it creates them (createActor(machine, { inspect })), so everything the
 * machines do can be watched live; absent, nothing is observed and nothing is paid.
 */
import type { InspectionEvent } from 'xstate';

export type InspectionObserver = (event: InspectionEvent) => void;
