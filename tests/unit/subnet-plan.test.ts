import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectArgError } from "../helpers/arg-error";
import {
    cidrContains,
    cidrsOverlap,
    formatCidr,
    isValidCidr,
    parseCidr,
    planSubnetCidrs,
    planSubnets,
    subnetTiers,
    tierPrefixes,
} from "../../components/network/subnet-plan";

const ZONES = ["zone-a", "zone-b", "zone-c"];

/** A random VPC block: any network address with a /16–/22 prefix. */
const vpcCidr = (minPrefix = 16, maxPrefix = 22) =>
    fc
        .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: minPrefix, max: maxPrefix }))
        .map(([raw, prefix]) => formatCidr(Math.floor(raw / 2 ** (32 - prefix)) * 2 ** (32 - prefix), prefix));
const azList = fc.integer({ min: 2, max: 3 }).map((n) => ZONES.slice(0, n));

describe("parseCidr / isValidCidr", () => {
    it("parses a network block", () => {
        expect(parseCidr("10.0.0.0/16")).toEqual({ address: 167772160, prefix: 16, size: 65536, last: 167837695 });
        expect(parseCidr("0.0.0.0/0")).toEqual({ address: 0, prefix: 0, size: 2 ** 32, last: 2 ** 32 - 1 });
        expect(parseCidr("255.255.255.255/32").address).toBe(2 ** 32 - 1);
    });

    it("rejects host bits and says which block was meant", () => {
        expectArgError(() => parseCidr("10.0.0.1/16"), { key: "cidr", value: "10.0.0.1/16", allowed: /without host bits after \/16: did you mean 10\.0\.0\.0\/16\?/ });
    });

    it.each(["10.0.0.0", "10.0.0/16", "256.0.0.0/8", "10.0.0.0/33", "010.0.0.0/8", "10.0.0.0/016", "a.b.c.d/8", "", " /8"])(
        "rejects %j",
        (bad) => {
            expect(isValidCidr(bad)).toBe(false);
            expectArgError(() => parseCidr(bad), { key: "cidr", value: bad, allowed: /IPv4 CIDR block|host bits/ });
        },
    );

    it.each(["10.0.0.0/16", "172.16.0.0/12", "192.168.1.0/24", "10.1.2.3/32"])("accepts %s", (good) => {
        expect(isValidCidr(good)).toBe(true);
    });

    it("formats what it parses (round trip)", () => {
        fc.assert(
            fc.property(vpcCidr(0, 32), (cidr) => {
                const p = parseCidr(cidr);
                expect(formatCidr(p.address, p.prefix)).toBe(cidr);
            }),
        );
    });
});

describe("cidrContains / cidrsOverlap", () => {
    it("answers the obvious cases", () => {
        expect(cidrContains("10.0.0.0/16", "10.0.5.0/24")).toBe(true);
        expect(cidrContains("10.0.0.0/16", "10.0.0.0/16")).toBe(true);
        expect(cidrContains("10.0.0.0/16", "10.1.0.0/24")).toBe(false);
        expect(cidrContains("10.0.5.0/24", "10.0.0.0/16")).toBe(false);
        expect(cidrsOverlap("10.0.0.0/16", "10.0.255.0/24")).toBe(true);
        expect(cidrsOverlap("10.0.0.0/24", "10.0.1.0/24")).toBe(false);
        expect(cidrsOverlap("10.0.0.0/23", "10.0.1.0/24")).toBe(true);
    });

    it("throws on an invalid block rather than guessing", () => {
        expectArgError(() => cidrsOverlap("10.0.0.0/16", "nope"), { key: "cidr", value: "nope", allowed: /an IPv4 CIDR block written a\.b\.c\.d\/prefix/ });
        expectArgError(() => cidrContains("10.0.0.1/16", "10.0.0.0/24"), { key: "cidr", value: "10.0.0.1/16", allowed: /without host bits/ });
    });

    it("overlap is symmetric, and containment implies overlap", () => {
        fc.assert(
            fc.property(vpcCidr(0, 32), vpcCidr(0, 32), (a, b) => {
                expect(cidrsOverlap(a, b)).toBe(cidrsOverlap(b, a));
                if (cidrContains(a, b)) expect(cidrsOverlap(a, b)).toBe(true);
                // Two CIDR blocks overlap only when one contains the other.
                expect(cidrsOverlap(a, b)).toBe(cidrContains(a, b) || cidrContains(b, a));
            }),
        );
    });
});

describe("planSubnets", () => {
    it("keeps the default /16 layout (changing it would replace every subnet)", () => {
        expect(planSubnets({ cidr: "10.0.0.0/16", azs: ["us-east-1a", "us-east-1b", "us-east-1c"] })).toEqual({
            public: [
                { az: "us-east-1a", cidr: "10.0.192.0/22" },
                { az: "us-east-1b", cidr: "10.0.196.0/22" },
                { az: "us-east-1c", cidr: "10.0.200.0/22" },
            ],
            private: [
                { az: "us-east-1a", cidr: "10.0.0.0/19" },
                { az: "us-east-1b", cidr: "10.0.32.0/19" },
                { az: "us-east-1c", cidr: "10.0.64.0/19" },
            ],
            isolated: [
                { az: "us-east-1a", cidr: "10.0.128.0/20" },
                { az: "us-east-1b", cidr: "10.0.144.0/20" },
                { az: "us-east-1c", cidr: "10.0.160.0/20" },
            ],
        });
    });

    it("still fits a /24, with subnets no smaller than AWS's /28", () => {
        const plan = planSubnets({ cidr: "192.168.7.0/24", azs: ZONES });
        expect(plan.private.map((s) => s.cidr)).toEqual(["192.168.7.0/27", "192.168.7.32/27", "192.168.7.64/27"]);
        expect(plan.isolated.map((s) => s.cidr)).toEqual(["192.168.7.128/28", "192.168.7.144/28", "192.168.7.160/28"]);
        expect(plan.public.map((s) => s.cidr)).toEqual(["192.168.7.192/28", "192.168.7.208/28", "192.168.7.224/28"]);
    });

    it("gives public subnets the /27 an ALB needs while the VPC is /23 or larger", () => {
        for (let p = 16; p <= 23; p++) expect(tierPrefixes(p).public).toBeLessThanOrEqual(27);
        expect(tierPrefixes(24).public).toBe(28);
    });

    it.each(["10.0.0.0/25", "10.0.0.0/28"])("refuses a VPC too small for the three tiers (%s)", (cidr) => {
        expectArgError(() => planSubnets({ cidr, azs: ZONES }), { key: "cidr", value: cidr, allowed: /^a \/24 or larger .*room for public, private and isolated subnets in 3 availability zones/ });
    });

    it("refuses a VPC larger than AWS allows", () => {
        expectArgError(() => planSubnets({ cidr: "10.0.0.0/15", azs: ZONES }), { key: "cidr", value: "10.0.0.0/15", allowed: /a \/16 or smaller .*AWS allows no larger VPC/ });
    });

    it("refuses an invalid VPC CIDR, a wrong AZ count and a repeated AZ", () => {
        expectArgError(() => planSubnets({ cidr: "10.0.0.1/16", azs: ZONES }), { key: "cidr", value: "10.0.0.1/16", allowed: /did you mean 10\.0\.0\.0\/16/ });
        expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs: ["a"] }), { key: "azCount", value: 1, allowed: "2 or 3 availability zones" });
        expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs: ["a", "b", "c", "d"] }), { key: "azCount", value: 4, allowed: "2 or 3 availability zones" });
        expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs: ["a", "b", "a"] }), { key: "availabilityZones", value: ["a", "b", "a"], allowed: /a is listed twice/ });
    });

    describe("properties over random VPCs /16–/22 and 2–3 AZs", () => {
        const all = (plan: ReturnType<typeof planSubnets>) => subnetTiers.flatMap((t) => plan[t].map((s) => s.cidr));

        it("no two subnets overlap", () => {
            fc.assert(
                fc.property(vpcCidr(), azList, (cidr, azs) => {
                    const cidrs = all(planSubnets({ cidr, azs }));
                    for (let i = 0; i < cidrs.length; i++) {
                        for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(cidrs[i], cidrs[j])).toBe(false);
                    }
                }),
            );
        });

        it("every subnet lies inside the VPC and is a size AWS accepts", () => {
            fc.assert(
                fc.property(vpcCidr(), azList, (cidr, azs) => {
                    for (const s of all(planSubnets({ cidr, azs }))) {
                        expect(cidrContains(cidr, s)).toBe(true);
                        expect(parseCidr(s).prefix).toBeLessThanOrEqual(28);
                    }
                }),
            );
        });

        it("exactly one subnet per AZ per tier, in AZ order", () => {
            fc.assert(
                fc.property(vpcCidr(), azList, (cidr, azs) => {
                    const plan = planSubnets({ cidr, azs });
                    for (const tier of subnetTiers) expect(plan[tier].map((s) => s.az)).toEqual(azs);
                }),
            );
        });

        it("is deterministic", () => {
            fc.assert(
                fc.property(vpcCidr(), azList, (cidr, azs) => {
                    expect(planSubnets({ cidr, azs })).toEqual(planSubnets({ cidr, azs: [...azs] }));
                }),
            );
        });

        it("private subnets are the largest, then isolated, then public", () => {
            fc.assert(
                fc.property(vpcCidr(), azList, (cidr, azs) => {
                    const plan = planSubnets({ cidr, azs });
                    const size = (t: (typeof subnetTiers)[number]) => parseCidr(plan[t][0].cidr).size;
                    expect(size("private")).toBeGreaterThan(size("isolated"));
                    expect(size("isolated")).toBeGreaterThanOrEqual(size("public"));
                }),
            );
        });

        it("adding a third AZ moves no existing subnet", () => {
            fc.assert(
                fc.property(vpcCidr(16, 24), (cidr) => {
                    const two = planSubnetCidrs({ cidr, azCount: 2 });
                    const three = planSubnetCidrs({ cidr, azCount: 3 });
                    for (const tier of subnetTiers) expect(three[tier].slice(0, 2)).toEqual(two[tier]);
                }),
            );
        });
    });

    describe("overrides", () => {
        const azs = ["a", "b"];

        it("uses a tier's given CIDRs and plans the others", () => {
            const plan = planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { public: ["10.0.250.0/24", "10.0.251.0/24"] } });
            expect(plan.public).toEqual([
                { az: "a", cidr: "10.0.250.0/24" },
                { az: "b", cidr: "10.0.251.0/24" },
            ]);
            expect(plan.private.map((s) => s.cidr)).toEqual(["10.0.0.0/19", "10.0.32.0/19"]);
        });

        it("accepts every tier overridden", () => {
            const overrides = { public: ["10.0.0.0/24", "10.0.1.0/24"], private: ["10.0.16.0/20", "10.0.32.0/20"], isolated: ["10.0.2.0/24", "10.0.3.0/24"] };
            const plan = planSubnets({ cidr: "10.0.0.0/16", azs, overrides });
            expect(plan.isolated.map((s) => s.cidr)).toEqual(overrides.isolated);
            expect(plan.private.map((s) => s.cidr)).toEqual(overrides.private);
        });

        it("needs exactly one CIDR per AZ", () => {
            expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { private: ["10.0.0.0/20"] } }), {
                key: "subnets.private",
                value: ["10.0.0.0/20"],
                allowed: "exactly 2 CIDRs, one per availability zone (it lists 1)",
            });
        });

        it("refuses a CIDR outside the VPC, naming the key", () => {
            expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { isolated: ["10.0.128.0/20", "10.1.0.0/24"] } }), {
                key: "subnets.isolated[1]",
                value: "10.1.0.0/24",
                allowed: "a range inside the VPC CIDR 10.0.0.0/16",
            });
        });

        it("refuses an override that overlaps a planned subnet", () => {
            expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { public: ["10.0.0.0/24", "10.0.250.0/24"] } }), {
                key: "subnets.private[0]",
                value: "10.0.0.0/19",
                allowed: /^a range clear of subnets\.public\[0\] \(10\.0\.0\.0\/24\)/,
            });
        });

        it("refuses overrides that overlap each other", () => {
            expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { public: ["10.0.250.0/23", "10.0.251.0/24"] } }), {
                key: "subnets.public[1]",
                value: "10.0.251.0/24",
                allowed: /^a range clear of subnets\.public\[0\] \(10\.0\.250\.0\/23\)/,
            });
        });

        it("refuses malformed and out-of-range subnet CIDRs", () => {
            expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { public: ["10.0.250.1/24", "10.0.251.0/24"] } }), {
                key: "subnets.public[0]",
                value: "10.0.250.1/24",
                allowed: /did you mean 10\.0\.250\.0\/24/,
            });
            expectArgError(() => planSubnets({ cidr: "10.0.0.0/16", azs, overrides: { public: ["10.0.250.0/29", "10.0.251.0/24"] } }), {
                key: "subnets.public[0]",
                value: "10.0.250.0/29",
                allowed: "a /16 to /28 block: the AWS subnet sizes",
            });
        });
    });
});
