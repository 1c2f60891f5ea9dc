import type { ResourceValidationArgs } from "@pulumi/policy";
import { type Maybe, UNKNOWN, read } from "../kit";

/** The fields of an ECS container definition the rules look at (API spelling). */
export interface ContainerDefinition {
    name?: string;
    image?: string;
    privileged?: boolean;
    readonlyRootFilesystem?: boolean;
    user?: string;
    logConfiguration?: { logDriver?: string };
    environment?: { name?: string; value?: string }[];
}

/**
 * A task definition's containers. `containerDefinitions` is one JSON string, so it is either
 * wholly known or wholly unknown at preview (it is unknown when any value in it is an output,
 * e.g. a secret's ARN). Returns an `Error` for text that is not a JSON array.
 */
export function containersOf(args: ResourceValidationArgs): Maybe<ContainerDefinition[] | Error> {
    const raw = read(() => args.props.containerDefinitions);
    if (raw === UNKNOWN) return UNKNOWN;
    let parsed: unknown = raw;
    if (typeof raw === "string") {
        try {
            parsed = JSON.parse(raw);
        } catch (e) {
            return new Error(`containerDefinitions is not valid JSON (${(e as Error).message})`);
        }
    }
    if (!Array.isArray(parsed)) return new Error("containerDefinitions is not a JSON array of container definitions");
    return parsed as ContainerDefinition[];
}

/** How messages name a container. */
export const containerLabel = (c: ContainerDefinition, i: number): string => `container ${JSON.stringify(c?.name ?? `#${i}`)}`;

/** The user id part of `user` ("uid", "uid:gid", "name" or "name:group"). */
export const isRootUser = (user: string): boolean => ["root", "0"].includes(user.split(":")[0].trim());

/** Why an image reference is not pinned to a version, or undefined when it is. */
export function unpinnedImage(image: string): string | undefined {
    if (image.includes("@sha256:")) return undefined;
    const last = image.slice(image.lastIndexOf("/") + 1);
    const colon = last.indexOf(":");
    if (colon < 0) return "has no tag, so it means :latest";
    if (last.slice(colon + 1).toLowerCase() === "latest") return "uses the moving :latest tag";
    return undefined;
}
