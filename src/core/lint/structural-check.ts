import type { Finding, StructuralKind } from './types';
import type { WikiSnapshot } from './wiki-snapshot';

/**
 * One structural health check: a pure function of the vault snapshot. Checks must not read the
 * vault themselves (the snapshot is read once for all of them), must be deterministic, and should
 * stay linear in the number of notes and links: the whole set runs on 10,000 notes in well under
 * two seconds. See docs/adding-a-health-check.md.
 */
export interface StructuralCheck {
  /** The kinds this check can report. */
  readonly kinds: readonly StructuralKind[];
  /** One line for `--help` and the report. */
  readonly description: string;
  run(wiki: WikiSnapshot): Finding[];
}
