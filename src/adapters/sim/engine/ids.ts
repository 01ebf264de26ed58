/**
 * Deterministic ids for the simulated exchange: UUID v4-formatted strings from a seeded counter
 * (valid UUIDs, reproducible runs), and stable asset ids derived from the symbol.
 */
import { hashString, unitHash } from '../market/price-walk.js';

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

function uuidFromWords(w: [number, number, number, number]): string {
  const h = w.map(hex8).join('');
  // version nibble 4, variant bits 10xx
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function words(key: number, n: number): [number, number, number, number] {
  const w = (i: number) => Math.floor(unitHash(key, i, n) * 4294967296);
  return [w(1), w(2), w(3), w(4)];
}

export interface IdSource {
  uuid(): string;
}

export function createIdSource(seed: number, namespace: string): IdSource {
  const key = hashString(namespace, seed);
  let counter = 0;
  return { uuid: () => uuidFromWords(words(key, ++counter)) };
}

export function assetIdOf(symbol: string): string {
  return uuidFromWords(words(hashString(`asset:${symbol}`), 0));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}
