import { catalog } from "../shared/catalog";

/**
 * The DigitalOcean regions that take new droplets, as of `catalogDate`, from the region list
 * (`doctl compute region list`, the API's /v2/regions with `available: true`) summarised on the
 * "Regional availability" page. Regions that only keep existing droplets (nyc2, ams2, sfo1)
 * are left out: a new stack cannot create its droplet there.
 */
export const dropletRegions: readonly string[] = ["ams3", "atl1", "blr1", "fra1", "lon1", "nyc1", "nyc3", "sfo2", "sfo3", "sgp1", "syd1", "tor1"];

export const dropletRegionCatalog = catalog("a DigitalOcean region that takes new droplets", "https://docs.digitalocean.com/platform/regional-availability/", dropletRegions);
