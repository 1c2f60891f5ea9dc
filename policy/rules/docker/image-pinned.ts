import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";
import { Deferred, show } from "../digitalocean/values";
import { isContentDigest, parseImageRef } from "./image-ref";

interface Config {
    floatingTags: string[];
}

/**
 * A tag that moves (or no tag, which means `latest`) makes two `pulumi up`s of the same code run
 * different software. The POLICIES row "explicit non-latest tag (M); digest preferred (A)" is two
 * rules, because a rule has one level: this one requires a pin; image-pinned-digest advises a
 * digest. A digest or an image id satisfies this rule too: it pins harder than any tag.
 */
export const imagePinned: SlipwayRule = resourceRule(
    {
        name: "image-pinned",
        group: "docker",
        description: "Container images must be pinned: an explicit tag that is not latest (or another moving tag such as stable), or a digest. A digest is advised separately by image-pinned-digest.",
        sources: ["CKV_DOCKER_7"],
        remediation: "Reference an exact version (postgres:16.6-alpine), ideally with its digest (postgres:16.6-alpine@sha256:…); bump it deliberately in one place (components/shared/images.ts).",
        level: "mandatory",
        configSchema: {
            properties: {
                floatingTags: {
                    type: "array",
                    items: { type: "string" },
                    default: ["latest", "stable", "mainline", "edge", "nightly", "main", "master", "lts"],
                    description: "Tags that move between releases and so do not pin an image.",
                },
            },
        },
    },
    types.dockerContainer,
    (args, report) => {
        const { floatingTags } = args.getConfig<Config>();
        const image = read(() => args.props.image);
        if (image === UNKNOWN) {
            // An image built by the same program is referenced by its output (repoDigest: the built
            // image's id or digest), unknown until it is built; known and checked at `pulumi up`.
            const deferred = new Deferred();
            deferred.add(() => args.props.image);
            return deferred.raise();
        }
        if (typeof image !== "string" || image.trim() === "") return report(`image is ${show(image)}; give a pinned image reference.`);
        const ref = parseImageRef(image);
        if (ref.isId || isContentDigest(ref.digest)) return;
        if (ref.tag === undefined) return report(`image ${show(image)} has no tag, so it runs whatever :latest is at pull time; pin an exact version tag or a digest.`);
        if (floatingTags.map((t) => t.toLowerCase()).includes(ref.tag.toLowerCase())) {
            report(`image ${show(image)} uses the moving tag ${show(ref.tag)}; pin an exact version tag or a digest.`);
        }
    },
);
