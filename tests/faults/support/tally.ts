/**
 * The suite's figures for the closing note: faults injected, faults held (every check passed),
 * bytes of raw or human text lost, writes outside the wiki. One line, printed after the suite.
 */
export class Tally {
  injected = 0;
  held = 0;
  bytesLost = 0;
  writesOutside = 0;
  private readonly byCase = new Map<string, { injected: number; held: number }>();

  /** Records one injected fault and whether every check held. */
  record(name: string, problems: string[], lost = 0, outside = 0): void {
    this.injected += 1;
    if (problems.length === 0) this.held += 1;
    this.bytesLost += lost;
    this.writesOutside += outside;
    const c = this.byCase.get(name) ?? { injected: 0, held: 0 };
    c.injected += 1;
    if (problems.length === 0) c.held += 1;
    this.byCase.set(name, c);
  }

  line(): string {
    const cases = [...this.byCase.entries()].map(([name, c]) => `${name} ${c.held}/${c.injected}`).join(', ');
    return `faults: ${this.injected} injected, ${this.held} held, ${this.bytesLost} bytes lost, ${this.writesOutside} writes outside (${cases})`;
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in item order. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}
