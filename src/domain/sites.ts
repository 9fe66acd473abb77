import { DomainError } from './errors.js';
import type { Site } from './types.js';

/** The configured sites, looked up by id. */
export class SiteDirectory {
  private readonly byId: Map<string, Site>;

  constructor(sites: Site[]) {
    this.byId = new Map(sites.map((s) => [s.id, s]));
  }

  get(id: string): Site {
    const site = this.byId.get(id);
    if (!site) throw new DomainError('site_not_found', `no site "${id}"`, { params: { site: id } });
    return site;
  }

  find(id: string): Site | undefined {
    return this.byId.get(id);
  }

  all(): Site[] {
    return [...this.byId.values()];
  }
}
