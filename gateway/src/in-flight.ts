/**
 * Identical work that is in flight at the same moment, done once: the first call under a key starts
 * it, calls under the same key until it settles join it and get the same outcome (value or error).
 * Nothing is kept once it settles, so a call after that starts afresh: this is not a cache.
 */
export class InFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();
  private joinedCount = 0;

  /**
   * Runs `start` unless work under `key` is in flight, in which case this call joins it. The flight
   * is removed before anyone sees its outcome, so by then its `joiners` count is final.
   */
  run(key: string, start: () => Promise<T>): { flight: Flight<T>; leader: boolean } {
    const current = this.flights.get(key);
    if (current) {
      current.joiners++;
      this.joinedCount++;
      return { flight: current, leader: false };
    }
    const flight: Flight<T> = { joiners: 0, outcome: undefined as unknown as Promise<T> };
    this.flights.set(key, flight);
    const remove = () => {
      this.flights.delete(key);
    };
    // `start` may throw synchronously: that is the flight's outcome too.
    flight.outcome = Promise.resolve().then(start).finally(remove);
    return { flight, leader: true };
  }

  /** Calls that joined a flight instead of starting one, since this object was made. */
  get joined(): number {
    return this.joinedCount;
  }

  /** Flights in progress now. */
  get size(): number {
    return this.flights.size;
  }
}

export interface Flight<T> {
  /** The shared outcome: settles after the flight has left the map. */
  outcome: Promise<T>;
  /** How many calls joined after the first. */
  joiners: number;
}
