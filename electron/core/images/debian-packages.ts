// Extra Debian packages of a lab built on a base (a profile's `build.packages`): the `apt.txt` convention of
// repo2docker, one name per line. A name goes into `apt-get install` inside the image build, so it is
// checked strictly against Debian Policy's grammar for package names (5.6.1: lower-case letters, digits,
// `+`, `-` and `.`, at least two characters, starting with a letter or digit). That leaves no room for an
// option (`-o…`, `--allow-unauthenticated`), a version or release pin (`name=1.0`, `name/sid`), an
// architecture (`name:i386`), a glob, a path to a local .deb or anything a shell would read. Pure.

/** Debian Policy 5.6.1. */
export const DEBIAN_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** Longer names exist nowhere in Debian (the longest is about 70 characters). */
export const MAX_PACKAGE_NAME = 100;
export const MAX_PACKAGES = 200;

/** Why a line is not a Debian package name, or null when it is one. */
export function debianPackageProblem(name: string): string | null {
  if (name.length > MAX_PACKAGE_NAME) return `a Debian package name has at most ${MAX_PACKAGE_NAME} characters`;
  if (DEBIAN_PACKAGE_NAME.test(name)) return null;
  if (name.length < 2) return 'a Debian package name has at least two characters';
  if (/[=/:]/.test(name)) return `"${name}": a package name only, without a version, release or architecture (apt installs the one Debian has)`;
  if (/^[+.-]/.test(name)) return `"${name}": a package name starts with a letter or a digit`;
  if (/[A-Z]/.test(name)) return `"${name}": Debian package names are lower-case`;
  return `"${name}" is not a Debian package name (lower-case letters, digits, + - and . only)`;
}
