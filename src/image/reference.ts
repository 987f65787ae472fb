// Image names as docker and containerd spell them in full: a short name such
// as `busybox:latest` is `docker.io/library/busybox:latest` (distribution's
// reference.ParseNormalizedNamed, which containerd's importer also applies).
import { ImageError } from './errors.js';

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** A full image name split into its parts. */
export interface ImageReference {
  /** e.g. `docker.io/library/busybox`. */
  readonly repository: string;
  /** e.g. `latest`. */
  readonly tag: string;
  /** `repository:tag`, as containerd stores it. */
  readonly name: string;
}

/**
 * Normalise a tagged image name as docker does: add `docker.io`, `library/`
 * for official images and `:latest` when absent. Digests are refused, since
 * a built image's digest is only known once it is built.
 *
 * @example
 * parseReference('busybox').name // 'docker.io/library/busybox:latest'
 */
export function parseReference(text: string): ImageReference {
  const bad = (why: string) => new ImageError('InvalidReference', `invalid image name ${JSON.stringify(text)}: ${why}`);
  if (text.includes('@')) throw bad('a digest cannot name an image being built; give a tag');
  let domain = DEFAULT_DOMAIN;
  let rest = text;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const head = text.slice(0, slash);
    // The first component is a registry only when it looks like a host (as distribution decides).
    if (head.includes('.') || head.includes(':') || head === 'localhost' || head.toLowerCase() !== head) {
      domain = head === LEGACY_DOMAIN ? DEFAULT_DOMAIN : head;
      rest = text.slice(slash + 1);
    }
  }
  if (!DOMAIN.test(domain)) throw bad(`${JSON.stringify(domain)} is not a registry host`);
  const colon = rest.lastIndexOf(':');
  const path = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : 'latest';
  if (!TAG.test(tag)) throw bad(`tag ${JSON.stringify(tag)} is not valid (letters, digits, _ . -, at most 128)`);
  const components = path.split('/');
  if (components.some((c) => !COMPONENT.test(c))) throw bad('repository must be lower-case letters, digits and separators (. _ __ -) between /');
  if (domain === DEFAULT_DOMAIN && components.length === 1) components.unshift('library');
  const repository = `${domain}/${components.join('/')}`;
  if (repository.length > 255) throw bad('name longer than 255 characters');
  return { repository, tag, name: `${repository}:${tag}` };
}
