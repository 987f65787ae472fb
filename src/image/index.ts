// Images without a registry: build OCI images from host files and import
// archives into a node's containerd.
export { ANNOTATIONS, MEDIA_TYPES, type Descriptor } from './archive.js';
export { buildImage, DEFAULT_PATH, hostArchitecture, type BuildOptions, type BuiltImage, type RunConfig } from './build.js';
export { ImageError, isImageError, type ImageErrorCode } from './errors.js';
export { containerdSocket, importImages, K8S_NAMESPACE, type ImportedArchive, type ImportOptions } from './import.js';
export { LAYER_MEDIA_TYPE } from './layer.js';
export { parseReference, type ImageReference } from './reference.js';
