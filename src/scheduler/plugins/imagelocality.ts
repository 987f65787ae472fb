/** ImageLocality: nodes that already hold the pod's images (status.images) score higher, scaled by how widely each image is spread. */
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** The names an image may be listed under: as written, with `:latest` when untagged, and with Docker Hub's prefix. */
export function imageNames(image: string): string[] {
  const lastSlash = image.lastIndexOf('/');
  const tagged = image.includes('@') || image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
  const first = tagged.split('/')[0] ?? '';
  const hasRegistry = tagged.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return [tagged];
  return [tagged, tagged.includes('/') ? `docker.io/${tagged}` : `docker.io/library/${tagged}`];
}

interface ImageState {
  readonly total: number;
  /** Per container of the pod (init containers too), the names its image may be listed under. */
  readonly names: readonly (readonly string[])[];
}

export const imageLocality: ScorePlugin = {
  name: 'ImageLocality',
  weight: 1,
  preScore: (pi, _nodes, cluster, state) => {
    if (!cluster.hasImages) return 'skip';
    const containers = [...(pi.pod.spec?.initContainers ?? []), ...(pi.pod.spec?.containers ?? [])];
    // Worked out once per pod rather than once per node.
    const names = containers.map((c) => (c.image ? imageNames(c.image) : []));
    state.set('ImageLocality', { total: cluster.nodes().length, names } satisfies ImageState);
    return undefined;
  },
  score: (_pi, ni, state, cluster) => {
    const s = state.get('ImageLocality') as ImageState;
    let sum = 0;
    for (const names of s.names) {
      const name = names.find((n) => ni.images.has(n));
      if (name === undefined) continue;
      sum += (ni.images.get(name) ?? 0) * (cluster.imageNodes(name) / s.total);
    }
    const max = MAX_CONTAINER_THRESHOLD * Math.max(1, s.names.length);
    if (sum < MIN_THRESHOLD) return 0;
    if (sum > max) sum = max;
    return Math.floor((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  },
};
