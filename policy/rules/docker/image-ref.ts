/** A container image reference taken apart (`ghcr.io/org/app:1.2@sha256:…`, `nginx`, `sha256:<id>`). */
export interface ImageRef {
    /** Repository without registry default or `library/` (`nginx`, `certbot/certbot`, `ghcr.io/org/app`). */
    repository: string;
    tag?: string;
    digest?: string;
    /** A bare image id (`sha256:<64 hex>`): the content of one local image, as `docker.Image.repoDigest` gives for a local build. */
    isId: boolean;
}

export function parseImageRef(ref: string): ImageRef {
    const text = ref.trim();
    if (/^sha256:[a-f0-9]{64}$/.test(text)) return { repository: "", digest: text, isId: true };
    const at = text.indexOf("@");
    const name = at >= 0 ? text.slice(0, at) : text;
    const digest = at >= 0 ? text.slice(at + 1) : undefined;
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    const tag = colon > slash ? name.slice(colon + 1) : undefined;
    let repository = colon > slash ? name.slice(0, colon) : name;
    repository = repository.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
    return { repository, tag, digest, isId: false };
}

/** A digest that pins content: `sha256:` followed by 64 hex digits. */
export const isContentDigest = (d: string | undefined): boolean => !!d && /^sha256:[a-f0-9]{64}$/.test(d);
