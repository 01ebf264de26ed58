/**
 * A subject addressed by key: next(key, value) reaches the one consumer of that key through a
 * single Map lookup, so a stream shared by thousands of consumers (every position's decisions, every
 * position's order updates) costs O(1) per event, never a scan or a filter per consumer.
 * Invariants: one consumer per key (the key's position actor): a second attach replaces the first,
 * and the first's detach then leaves the second in place; a value for a key with no consumer is
 * dropped (next returns false).
 */
import { Observable } from 'rxjs';

export class KeyedSubject<K, V> {
  private readonly sinks = new Map<K, (value: V) => void>();

  /** delivers `value` to the consumer of `key`; false when there is none */
  next(key: K, value: V): boolean {
    const sink = this.sinks.get(key);
    if (!sink) return false;
    sink(value);
    return true;
  }

  /** the low-level form of for(): registers `sink` for `key`, returns its detach */
  attach(key: K, sink: (value: V) => void): () => void {
    this.sinks.set(key, sink);
    return () => {
      if (this.sinks.get(key) === sink) this.sinks.delete(key);
    };
  }

  /** the values for `key`, from subscription on */
  for(key: K): Observable<V> {
    return new Observable<V>((subscriber) => this.attach(key, (value) => subscriber.next(value)));
  }

  has(key: K): boolean {
    return this.sinks.has(key);
  }

  get size(): number {
    return this.sinks.size;
  }
}
