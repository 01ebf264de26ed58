/**
 * Keel's inspector as the composition root wires it: always on, its observer handed to the bot's
 * actor and to every position actor, the bot listed before the positions, and the graphs of the
 * two machines those actors run (laid out on first request, then kept).
 */
import { botMachine } from '../../machines/bot.machine.js';
import { positionMachine } from '../../machines/position.machine.js';
import type { Clock } from '../../ports/clock.port.js';
import { cachedMachineGraphs, type MachineGraph } from './graph-layout.js';
import { createInspector, type Inspector } from './inspector.js';

export interface KeelInspector {
  inspector: Inspector;
  machines: () => Promise<MachineGraph[]>;
}

export function createKeelInspector(clock: Clock, warn: (message: string, error: unknown) => void): KeelInspector {
  return {
    inspector: createInspector({ clock, machineOrder: [botMachine.id, positionMachine.id], warn }),
    machines: cachedMachineGraphs([botMachine, positionMachine]),
  };
}
