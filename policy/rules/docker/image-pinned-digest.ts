import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";
import { Deferred, show } from "../digitalocean/values";
import { isContentDigest, parseImageRef } from "./image-ref";

/**
 * Advisory half of the image-pinned row: a tag can be re-pushed, a digest cannot. A local image
 * id (`sha256:…`, what docker.Image.repoDigest gives for a build that is not pushed) counts.
 */
export const imagePinnedDigest: SlipwayRule = resourceRule(
    {
        name: "image-pinned-digest",
        group: "docker",
        description: "Container images should be pinned by digest (name:tag@sha256:…) or run by image id, since a registry tag can be re-pushed.",
        sources: ["Slipway DESIGN.md (pinned image, digest preferred)"],
        remediation: "Append the digest the registry reports for the tag you tested: `docker buildx imagetools inspect nginx:1.27.3-alpine` → nginx:1.27.3-alpine@sha256:….",
        level: "advisory",
    },
    types.dockerContainer,
    (args, report) => {
        const image = read(() => args.props.image);
        if (image === UNKNOWN) {
            const deferred = new Deferred();
            deferred.add(() => args.props.image);
            return deferred.raise();
        }
        if (typeof image !== "string") return report(`image is ${show(image)}; give an image reference with a digest.`);
        const ref = parseImageRef(image);
        if (!ref.isId && !isContentDigest(ref.digest)) report(`image ${show(image)} has no digest; add @sha256:… so a re-pushed tag cannot change what runs.`);
    },
);
