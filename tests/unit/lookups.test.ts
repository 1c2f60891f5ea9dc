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

    it("answer aws:elb/getServiceAccount like the provider: an account before August 2022, an error after", () => {
        expect(offlineLookup("aws:elb/getServiceAccount:getServiceAccount", {}, "ap-northeast-2").arn).toBe("arn:aws:iam::600734575887:root");
        expect(offlineLookup("aws:elb/getServiceAccount:getServiceAccount", {}, "eu-south-1").id).toBe("635631232127");
        expect(() => offlineLookup("aws:elb/getServiceAccount:getServiceAccount", {}, "ap-southeast-4")).toThrow(/unsupported AWS Region: ap-southeast-4.*logdelivery/);
    });

    it("fail loudly for a token they do not know", () => {
        expect(() => offlineLookup("aws:ec2/getAmi:getAmi", {}, "us-east-1")).toThrow(/Mock not implemented: aws:ec2\/getAmi:getAmi/);
    });
});
