// Which changes ask for a static-site rebuild, and asking for one on its own. A change to a
// site's published comments (approved, unpublished, an owner's answer, an edit) asks for one
// when the site has a rebuild target; the request is handed to the comment store, which writes
// it in the same transaction as the change, so a crash cannot keep the change and lose the build.
import type { Clock, DomainLogger } from '../ports.js';
import type { DebouncePolicy } from './policy.js';
import type { RebuildQueue, RebuildReason, RebuildRequest } from './ports.js';

/** The sites that rebuild, with their debounce; built from the configuration by the composition root. */
export class RebuildPlans {
  constructor(
    private readonly policies: ReadonlyMap<string, DebouncePolicy>,
    /** Called once a request is stored (after its transaction): wakes this process's runner. */
    private readonly onRecorded: () => void = () => {},
  ) {}

  has(siteId: string): boolean {
    return this.policies.has(siteId);
  }

  siteIds(): string[] {
    return [...this.policies.keys()];
  }

  /** The request to store with a change of `siteId`'s published comments; null when it does not rebuild. */
  forChange(siteId: string, reason: RebuildReason): RebuildRequest | null {
    const debounce = this.policies.get(siteId);
    return debounce ? { siteId, reason, debounce } : null;
  }

  recorded(): void {
    this.onRecorded();
  }
}

export interface RequestRebuildDeps {
  rebuilds: RebuildPlans;
  rebuildQueue: RebuildQueue;
  clock: Clock;
  logger: DomainLogger;
}

export type RequestRebuildOutcome = { kind: 'requested' } | { kind: 'no_target' };

/**
 * Asks for a build of `siteId` outside any comment change: by hand (`manual`: due at once), or
 * once at the end of a bulk change (an import) that stored its comments without requests.
 */
export async function requestRebuild(
  deps: RequestRebuildDeps,
  input: { siteId: string; reason: RebuildReason; manual?: boolean },
): Promise<RequestRebuildOutcome> {
  const request = deps.rebuilds.forChange(input.siteId, input.reason);
  if (!request) return { kind: 'no_target' };
  await deps.rebuildQueue.request(request, deps.clock.now(), { manual: input.manual ?? false });
  deps.rebuilds.recorded();
  deps.logger.info({ component: 'rebuild', site: input.siteId, reason: input.reason }, 'rebuild requested');
  return { kind: 'requested' };
}
