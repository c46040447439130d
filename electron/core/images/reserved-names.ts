// Image names a lab profile may never use. ClassLab's helper images (the gate, whose image also runs the
// disk and firewall helpers as root with the host's /dev or NET_ADMIN) must only ever hold what ClassLab
// built from its own Dockerfiles. A profile that names one of them as its image would build or pull over
// it; one that names the base image a helper is built FROM would have the next helper build start from
// the catalog's own files. Helpers run by image ID (helper-images.ts), so a re-tag alone cannot replace
// them, but the catalog must not even try. Pure, so every spelling is unit tested.

/** ClassLab's own image repositories, refused on any registry, with any tag or digest. */
export const HELPER_IMAGE_REPOSITORIES = ['classlab/gate'] as const;

/**
 * The images ClassLab's helper Dockerfiles are built FROM (images/gate/Dockerfile), refused as a profile's
 * image on Docker Hub in any spelling. A unit test keeps this list equal to the Dockerfiles' FROM lines.
 */
export const HELPER_BASE_IMAGES = ['debian:bookworm-slim'] as const;

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface ImageName {
  /** The registry host as written (lower-case), or null for Docker Hub's short form. */
  registry: string | null;
  /** The repository path without the registry: `classlab/gate`; Docker Hub's `library/` dropped. */
  repository: string;
  /** The tag, `latest` when none is given (as Docker assumes). */
  tag: string;
  /** True when the registry is Docker Hub (written or implied). */
  dockerHub: boolean;
}

/** Pure: the parts of an image reference as Docker reads them ([registry/]path[:tag][@digest]). */
export function parseImageName(ref: string): ImageName {
  const withoutDigest = ref.split('@')[0] ?? '';
  const parts = withoutDigest.toLowerCase().split('/');
  // Docker's rule: the first part is a registry when it has a dot or a port, or is "localhost".
  const first = parts[0] ?? '';
  const registry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : null;
  const rest = registry ? parts.slice(1) : parts;
  const last = rest.pop() ?? '';
  const colon = last.indexOf(':');
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const tag = colon >= 0 ? last.slice(colon + 1) : 'latest';
  const dockerHub = registry === null || DOCKER_HUB.has(registry);
  let repository = [...rest, name].join('/');
  if (dockerHub && repository.startsWith('library/')) repository = repository.slice('library/'.length);
  return { registry, repository, tag, dockerHub };
}

/** Pure: why a profile may not use this image reference, or null when it may. */
export function reservedImageReason(ref: string): string | null {
  const trimmed = ref.trim().toLowerCase();
  // An image ID (or its short form) would name whatever image has it, ClassLab's own included.
  if (trimmed.startsWith('sha256:') || /^[a-f0-9]{12,64}$/.test(trimmed))
    return 'a profile names its image by name (such as classlab/python:3), never by an image ID';
  const image = parseImageName(trimmed);
  if ((HELPER_IMAGE_REPOSITORIES as readonly string[]).includes(image.repository)) {
    return `${image.repository} is ClassLab's own helper image (it runs outside the lab sandbox); choose another image name`;
  }
  if (image.dockerHub && HELPER_BASE_IMAGES.some((base) => sameHubImage(image, base))) {
    return `${ref} is the base of ClassLab's own helper images; a lab image needs a name of its own`;
  }
  return null;
}

function sameHubImage(image: ImageName, base: string): boolean {
  const other = parseImageName(base);
  return image.repository === other.repository && image.tag === other.tag;
}
