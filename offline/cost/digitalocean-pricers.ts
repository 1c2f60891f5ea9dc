import type { RecordedResource } from "../recorder";
import { dollars, notPriced, num, str } from "./basis";
import type { DigitalOceanPrices } from "./prices";
import type { Pricer, Priced, PricingContext } from "./types";

/** DigitalOcean list prices: the same in every region. */

function priceDroplet(r: RecordedResource, p: DigitalOceanPrices, ctx: PricingContext): Priced {
    const size = str(r.inputs.size) ?? "(no size)";
    const droplet = p.droplets[size];
    if (!droplet) return notPriced(`droplet size ${size} is not in the price table`);
    const monthly = droplet.month.usd;
    let usd = monthly;
    const parts = [`${size} ${dollars(droplet.month)}`];
    if (r.inputs.backups === true) {
        const plan = str((r.inputs.backupPolicy as { plan?: string } | undefined)?.plan) ?? "weekly";
        const share = p.backupShare[plan as "weekly" | "daily"];
        if (!share) return notPriced(`the ${plan} backup plan is not in the price table`);
        usd += share.usd * monthly;
        parts.push(`${plan} backups ${share.usd * 100}% × ${dollars(droplet.month)}`);
    }
    // Transfer is pooled per team; this droplet's allowance is the pool when it is the only one.
    const out = ctx.assumptions.dataTransferOutGb;
    const overGb = Math.max(0, out - droplet.includedTransferGb);
    usd += overGb * p.transferOverageGb.usd;
    parts.push(
        overGb > 0
            ? `${overGb} GB over the ${droplet.includedTransferGb} GB included transfer × ${dollars(p.transferOverageGb)}`
            : `${out} GB out within the ${droplet.includedTransferGb} GB included`,
    );
    return { usd, basis: parts.join(" + ") };
}

function priceVolume(r: RecordedResource, p: DigitalOceanPrices): Priced {
    const gb = num(r.inputs.size);
    if (gb === undefined) return notPriced("volume size is not known at plan time");
    return { usd: gb * p.volumeGbMonth.usd, basis: `${gb} GB × ${dollars(p.volumeGbMonth)}` };
}

function priceReservedIp(r: RecordedResource, p: DigitalOceanPrices, ctx: PricingContext): Priced {
    const assigned =
        r.inputs.dropletId !== undefined ||
        ctx.graph.ofType("digitalocean:index/reservedIpAssignment:ReservedIpAssignment").some((a) => ctx.graph.dependsOn(a, r));
    if (assigned) return { usd: 0, basis: "no charge: reserved IPs are free while assigned to a droplet" };
    return { usd: p.reservedIpUnassignedMonth.usd, basis: `unassigned reserved IP ${dollars(p.reservedIpUnassignedMonth)}` };
}

/**
 * One Spaces subscription covers every bucket of the team: the first bucket carries it, and
 * stored GB beyond the included allowance is billed on the bucket that crosses it.
 */
function priceSpacesBucket(r: RecordedResource, p: DigitalOceanPrices, ctx: PricingContext): Priced {
    const buckets = ctx.graph.ofType(r.type);
    const isBackups = (b: RecordedResource) => ctx.graph.componentOf(b)?.type === "slipway:components:BackupBucket";
    if (!isBackups(r)) return notPriced("a bucket of unknown use: no stored-GB assumption for it");
    const gb = ctx.assumptions.backupStorageGb;
    const storedBefore = buckets.slice(0, buckets.indexOf(r)).filter(isBackups).length * gb;
    const includedLeft = Math.max(0, p.spacesIncludedStorageGb - storedBefore);
    const overGb = Math.max(0, gb - includedLeft);
    const first = buckets[0] === r;
    const usd = (first ? p.spacesSubscriptionMonth.usd : 0) + overGb * p.spacesStorageOverageGb.usd;
    const subscription = first ? `Spaces subscription ${dollars(p.spacesSubscriptionMonth)}` : "covered by the Spaces subscription";
    const storage =
        overGb > 0
            ? `${overGb} GB over the ${p.spacesIncludedStorageGb} GB included × ${dollars(p.spacesStorageOverageGb)}`
            : `${gb} GB stored (backupStorageGb) within the ${p.spacesIncludedStorageGb} GB included`;
    return { usd, basis: `${subscription} + ${storage}; ${p.spacesIncludedTransferGb} GB outbound included` };
}

export const digitalOceanPricers: Readonly<Record<string, Pricer<DigitalOceanPrices>>> = {
    "digitalocean:index/droplet:Droplet": priceDroplet,
    "digitalocean:index/volume:Volume": priceVolume,
    "digitalocean:index/reservedIp:ReservedIp": priceReservedIp,
    "digitalocean:index/spacesBucket:SpacesBucket": priceSpacesBucket,
    "digitalocean:index/uptimeCheck:UptimeCheck": (_r, p) => ({ usd: p.uptimeCheckMonth.usd, basis: `uptime check ${dollars(p.uptimeCheckMonth)}` }),
};
