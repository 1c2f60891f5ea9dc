import { catalog } from "../shared/catalog";

/**
 * DigitalOcean's distribution images (`doctl compute image list-distribution`), as of
 * `catalogDate`. Slipway's cloud-init and readiness gate assume Ubuntu 22.04 or later
 * (`docker.io` from the archive, `cloud-init status --wait`, socket-activated sshd; see
 * HostArgs.image), so only the Ubuntu ones are a droplet image the stack accepts; the others
 * are listed so a stack naming one is told why it is refused rather than that it does not exist.
 */
export const distributionImages: readonly string[] = [
    "almalinux-8-x64",
    "almalinux-9-x64",
    "centos-stream-9-x64",
    "debian-11-x64",
    "debian-12-x64",
    "fedora-41-x64",
    "fedora-42-x64",
    "rockylinux-8-x64",
    "rockylinux-9-x64",
    "ubuntu-22-04-x64",
    "ubuntu-24-04-x64",
    "ubuntu-24-10-x64",
    "ubuntu-25-04-x64",
];

/** The distribution images the droplet's cloud-init runs on. */
export const dropletImageCatalog = catalog(
    "a DigitalOcean Ubuntu image, the only distribution the droplet's cloud-init runs on",
    "https://docs.digitalocean.com/products/droplets/details/images/ (the distribution images of the DigitalOcean API, /v2/images?type=distribution)",
    distributionImages.filter((slug) => /^ubuntu-(2[2-9]|[3-9]\d)-\d\d-x64$/.test(slug)),
);
