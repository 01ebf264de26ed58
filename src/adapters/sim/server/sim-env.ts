/** Hono environment of the simulated exchange's REST app (node-server bindings + auth result). */
import type { HttpBindings } from '@hono/node-server';

export interface SimEnv {
  Bindings: HttpBindings;
  Variables: { keyId: string };
}
