import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";
import { Deferred, show } from "../digitalocean/values";
import { parseImageRef } from "./image-ref";

interface Config {
    exemptImages: string[];
}

/** `root`, `0`, `root:…`, `0:…`: still root. */
const isRoot = (user: string): boolean => /^(root|0)(:|$)/.test(user.trim());

/**
 * A process running as root in a container is root on the host's kernel, one escape away. The
 * user is set on the container; images whose entrypoint drops privileges itself are exempt by
 * repository (any tag or digest): the official postgres and redis images (the entrypoint
 * switches to the postgres/redis user with gosu/su-exec), nginx (only the master runs as root, to
 * bind 80/443 and read certificates; workers run as nginx). certbot/certbot is in the default list
 * as a documented exception, not because it drops privileges: it runs as root to own the Let's
 * Encrypt state, and Slipway runs it with every capability dropped but CHOWN, DAC_OVERRIDE and
 * FOWNER, no published port and no-new-privileges.
 */
export const nonRoot: SlipwayRule = resourceRule(
    {
        name: "non-root",
        group: "docker",
        description:
            "Containers should run as a non-root user (user: \"uid:gid\"), except images in exemptImages that drop privileges themselves (default: the official postgres, redis and nginx images) or are documented exceptions (certbot/certbot).",
        sources: ["CIS Docker 1.2.0 4.1", "CKV_DOCKER_3"],
        remediation: "Set user to an unprivileged uid:gid the image supports (e.g. user: \"65534:65534\" for a static binary) and make its writable mounts owned by that uid; or add the image to exemptImages if its entrypoint drops privileges itself.",
        level: "advisory",
        configSchema: {
            properties: {
                exemptImages: {
                    type: "array",
                    items: { type: "string" },
                    default: ["postgres", "redis", "nginx", "certbot/certbot"],
                    description: "Image repositories (without tag; docker.io/library/ implied) that may run without user.",
                },
            },
        },
    },
    types.dockerContainer,
    (args, report) => {
        const { exemptImages } = args.getConfig<Config>();
        const user = read(() => args.props.user);
        if (user !== UNKNOWN && typeof user === "string" && user.trim() !== "" && !isRoot(user)) return;
        const image = read(() => args.props.image);
        if (image !== UNKNOWN && typeof image === "string" && exemptImages.map((i) => parseImageRef(i).repository).includes(parseImageRef(image).repository)) return;
        if (user === UNKNOWN || image === UNKNOWN) {
            // A user or an image computed from another resource (a built image's id): known at `pulumi up`.
            const deferred = new Deferred();
            if (user === UNKNOWN) deferred.add(() => args.props.user);
            deferred.add(() => args.props.image);
            return deferred.raise();
        }
        report(`user is ${show(user)} for image ${show(image)}; run as a non-root uid:gid, or list the image in exemptImages if it drops privileges itself.`);
    },
);
