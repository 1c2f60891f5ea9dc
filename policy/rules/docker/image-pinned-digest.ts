import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";
import { containerLabel, containersOf } from "../aws-edge/container-definitions";
import { Deferred, show } from "../digitalocean/values";
import { isContentDigest, parseImageRef } from "./image-ref";

const unpinned = (image: string): boolean => {
    const ref = parseImageRef(image);
    return !ref.isId && !isContentDigest(ref.digest);
};
const noDigest = (image: string) => `image ${show(image)} has no digest; add @sha256:… so a re-pushed tag cannot change what runs.`;

/**
 * Advisory half of the image-pinned row: a tag can be re-pushed, a digest cannot. A local image
 * id (`sha256:…`, what docker.Image.repoDigest gives for a build that is not pushed) counts.
 * Docker containers and ECS task definitions alike, so the plan's policy summary reports every
 * image by tag (the prod web task's included), and no component warns about it on the side.
 */
export const imagePinnedDigest: SlipwayRule = resourceRule(
    {
        name: "image-pinned-digest",
        group: "docker",
        description:
            "Container images (Docker containers and ECS task definitions) should be pinned by digest (name:tag@sha256:…) or run by image id, since a registry tag can be re-pushed.",
        sources: ["Slipway DESIGN.md (pinned image, digest preferred)"],
        remediation: "Append the digest the registry reports for the tag you tested: `docker buildx imagetools inspect nginx:1.27.3-alpine` → nginx:1.27.3-alpine@sha256:….",
        level: "advisory",
    },
    [...types.dockerContainer, ...types.taskDefinition],
    (args, report) => {
        if ((types.taskDefinition as readonly string[]).includes(args.type)) {
            const containers = containersOf(args);
            if (containers === UNKNOWN) {
                // containerDefinitions is one JSON string: unknown as a whole until its outputs resolve.
                const deferred = new Deferred();
                deferred.add(() => args.props.containerDefinitions);
                return deferred.raise();
            }
            // Malformed definitions are ecs-task-hardening's finding (mandatory); nothing to add here.
            if (containers instanceof Error) return;
            containers.forEach((c, i) => {
                if (typeof c?.image === "string" && c.image !== "" && unpinned(c.image)) report(`${containerLabel(c, i)}: ${noDigest(c.image)}`);
            });
            return;
        }
        const image = read(() => args.props.image);
        if (image === UNKNOWN) {
            const deferred = new Deferred();
            deferred.add(() => args.props.image);
            return deferred.raise();
        }
        if (typeof image !== "string") return report(`image is ${show(image)}; give an image reference with a digest.`);
        if (unpinned(image)) report(noDigest(image));
    },
);
