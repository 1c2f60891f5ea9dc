import { describe, expect, it } from "vitest";
import { OFFLINE_ACCOUNT_ID, offlineLookup } from "../../offline/lookups";

describe("offline lookups", () => {
    it("answer the documented tokens", () => {
        expect(offlineLookup("aws:index/getCallerIdentity:getCallerIdentity", {}, "eu-west-1").accountId).toBe(OFFLINE_ACCOUNT_ID);
        expect(offlineLookup("aws:index/getRegion:getRegion", {}, "eu-west-1").region).toBe("eu-west-1");
        expect(offlineLookup("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "eu-west-1").names).toEqual([
            "eu-west-1a",
            "eu-west-1b",
            "eu-west-1c",
        ]);
        expect(offlineLookup("aws:index/getPartition:getPartition", {}, "us-east-1").partition).toBe("aws");
        expect(offlineLookup("aws:elb/getServiceAccount:getServiceAccount", {}, "us-east-1").id).toBe("127311923021");
    });

    it("fail loudly for a token they do not know", () => {
        expect(() => offlineLookup("aws:ec2/getAmi:getAmi", {}, "us-east-1")).toThrow(/Mock not implemented: aws:ec2\/getAmi:getAmi/);
    });
});
