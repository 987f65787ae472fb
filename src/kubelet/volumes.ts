/**
 * A pod's volumes on the node, as upstream's volume plugins set them up
 * under the pod's directory (`PODDIR/volumes/<plugin>/<name>`), and the
 * mounts each container gets from its `volumeMounts`:
 * - `emptyDir` (a directory, or tmpfs for `medium: Memory`);
 * - `hostPath` (with its `type` checks and `…OrCreate` creation);
 * - `configMap`, `secret`, `downwardAPI` and `projected`, written as
 *   upstream's AtomicWriter does: files in a timestamped directory, `..data`
 *   pointing at it, and a symlink per top-level name, so that an update
 *   swaps every file at once;
 * - `persistentVolumeClaim`, the bound volume's path (local-path volumes).
 */
import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { quantityValue } from '../api/quantity.js';
import { fieldRefValue, resourceFieldRefValue, type Allocatable, type DownwardPod } from './downward.js';

const run = promisify(execFile);

interface KeyToPath {
  readonly key: string;
  readonly path: string;
  readonly mode?: number;
}
interface DownwardFile {
  readonly path: string;
  readonly mode?: number;
  readonly fieldRef?: { readonly fieldPath: string };
  readonly resourceFieldRef?: { readonly containerName?: string; readonly resource: string; readonly divisor?: string | number };
}
interface ObjectSource {
  readonly name?: string;
  readonly items?: readonly KeyToPath[];
  readonly optional?: boolean;
}

/** A projected service account token (the `kube-api-access-*` volume's `token`). */
interface TokenProjection {
  /** Empty or absent: the API server's own audience. */
  readonly audience?: string;
  /** Default 3600, as upstream's defaulting. */
  readonly expirationSeconds?: number;
  readonly path: string;
}

export interface Volume {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly hostPath?: { readonly path: string; readonly type?: string };
  readonly configMap?: ObjectSource & { readonly defaultMode?: number };
  readonly secret?: Omit<ObjectSource, 'name'> & { readonly secretName?: string; readonly defaultMode?: number };
  readonly downwardAPI?: { readonly items?: readonly DownwardFile[]; readonly defaultMode?: number };
  readonly projected?: {
    readonly defaultMode?: number;
    readonly sources?: readonly {
      readonly configMap?: ObjectSource;
      readonly secret?: ObjectSource;
      readonly downwardAPI?: { readonly items?: readonly DownwardFile[] };
      readonly serviceAccountToken?: TokenProjection;
    }[];
  };
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly?: boolean;
}

/** A mount as CRI takes it. */
export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readonly: boolean;
}

/** What setting up volumes reads besides the pod: objects of its namespace, and the node. */
export interface VolumeSources {
  configMap(name: string): Promise<{ data?: Record<string, string>; binaryData?: Record<string, string> } | undefined>;
  /** Secret data is base64, as stored. */
  secret(name: string): Promise<{ data?: Record<string, string> } | undefined>;
  /** The host path of the volume bound to a claim of the pod's namespace, or undefined while it is unbound. */
  claimPath(claimName: string): Promise<string | undefined>;
  readonly allocatable: Allocatable;
  /**
   * A token of the pod's service account for `audience` ('' = the API
   * server's), bound to the pod (a TokenRequest; see satoken.ts). Absent:
   * pods with a `serviceAccountToken` projection cannot start.
   */
  serviceAccountToken?(audience: string, expirationSeconds: number, pod: PodWithVolumes): Promise<string>;
}

/** A volume that cannot be set up yet (missing object, unbound claim): the pod waits, with this message in a FailedMount event. */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  /** The volume that failed, once known. */
  readonly volume: string | undefined;

  constructor(message: string, volume?: string) {
    super(message);
    this.volume = volume;
  }
}

export interface PodWithVolumes extends DownwardPod {
  readonly spec?: DownwardPod['spec'] & { readonly volumes?: readonly Volume[] };
}

const pluginDir = (v: Volume) =>
  v.emptyDir ? 'kubernetes.io~empty-dir' : v.configMap ? 'kubernetes.io~configmap' : v.secret ? 'kubernetes.io~secret' : v.downwardAPI ? 'kubernetes.io~downward-api' : v.projected ? 'kubernetes.io~projected' : 'other';

/**
 * Set up every volume of `pod` under `podDir` (again on every sync: files of
 * ConfigMaps and Secrets follow their objects); returns each volume's host path.
 */
export async function setUpVolumes(pod: PodWithVolumes, podDir: string, sources: VolumeSources): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    try {
      out.set(v.name, await setUpVolume(pod, v, podDir, sources));
    } catch (err) {
      if (err instanceof VolumeError && err.volume === undefined) throw new VolumeError(err.message, v.name);
      throw err;
    }
  }
  return out;
}

async function setUpVolume(pod: PodWithVolumes, v: Volume, podDir: string, sources: VolumeSources): Promise<string> {
  if (v.hostPath) return hostPathVolume(v.hostPath.path, v.hostPath.type ?? '');
  if (v.persistentVolumeClaim) {
    const path = await sources.claimPath(v.persistentVolumeClaim.claimName);
    if (!path) throw new VolumeError(`persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" is not bound`);
    return path;
  }
  const dir = join(podDir, 'volumes', pluginDir(v), v.name);
  if (v.emptyDir) await emptyDir(dir, v.emptyDir);
  else {
    const files = await projectedFiles(pod, v, sources);
    if (files && !(await unchanged(dir, files))) await writeAtomically(dir, files);
    else if (!files) await mkdir(dir, { recursive: true });
  }
  return dir;
}

/** True if `dir`'s `..data` holds exactly `files` already (a resync then writes nothing). */
async function unchanged(dir: string, files: readonly File[]): Promise<boolean> {
  const data = join(dir, '..data');
  const present = await readdir(data, { recursive: true, withFileTypes: true }).catch(() => undefined);
  if (!present || present.filter((e) => e.isFile()).length !== files.length) return false;
  for (const f of files) {
    const path = join(data, safePath(f.path));
    const [info, bytes] = await Promise.all([stat(path).catch(() => undefined), readFile(path).catch(() => undefined)]);
    if (!info || !bytes || (info.mode & 0o7777) !== f.mode || !bytes.equals(f.data)) return false;
  }
  return true;
}

async function emptyDir(dir: string, spec: NonNullable<Volume['emptyDir']>): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o777 });
  await chmod(dir, 0o777);
  if (spec.medium !== 'Memory' || (await isMountPoint(dir))) return;
  const size = spec.sizeLimit ? quantityValue(spec.sizeLimit) : undefined;
  await run('mount', ['-t', 'tmpfs', '-o', size ? `size=${String(Math.ceil(size))}` : 'mode=0777', 'tmpfs', dir]);
}

async function isMountPoint(dir: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(dir), stat(dirname(dir))]);
    return a.dev !== b.dev;
  } catch {
    return false;
  }
}

/** A hostPath volume after upstream's type checks; `…OrCreate` types create what is missing. */
async function hostPathVolume(path: string, type: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  const fail = (what: string) => new VolumeError(`hostPath type check failed: ${path} is not ${what}`);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!info) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!info.isDirectory()) throw fail('a directory');
      break;
    case 'FileOrCreate':
      if (!info) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, '', { mode: 0o644 });
      } else if (!info.isFile()) throw fail('a file');
      break;
    case 'Directory':
      if (!info?.isDirectory()) throw fail('a directory');
      break;
    case 'File':
      if (!info?.isFile()) throw fail('a file');
      break;
    case 'Socket':
      if (!info?.isSocket()) throw fail('a socket file');
      break;
    case 'CharDevice':
      if (!info?.isCharacterDevice()) throw fail('a character device');
      break;
    case 'BlockDevice':
      if (!info?.isBlockDevice()) throw fail('a block device');
      break;
    default:
      break;
  }
  return path;
}

/** One file of a projected volume. */
interface File {
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

/** The files of a configMap, secret, downwardAPI or projected volume; undefined for other kinds. */
async function projectedFiles(pod: PodWithVolumes, v: Volume, sources: VolumeSources): Promise<File[] | undefined> {
  if (v.configMap) return objectFiles('configmap', v.configMap, v.configMap.defaultMode ?? 0o644, sources);
  if (v.secret) return objectFiles('secret', { ...v.secret, name: v.secret.secretName ?? '' }, v.secret.defaultMode ?? 0o644, sources);
  if (v.downwardAPI) return downwardFiles(pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? 0o644, sources.allocatable);
  if (!v.projected) return undefined;
  const mode = v.projected.defaultMode ?? 0o644;
  const files: File[] = [];
  for (const s of v.projected.sources ?? []) {
    if (s.configMap) files.push(...(await objectFiles('configmap', s.configMap, mode, sources)));
    if (s.secret) files.push(...(await objectFiles('secret', s.secret, mode, sources)));
    if (s.downwardAPI) files.push(...downwardFiles(pod, s.downwardAPI.items ?? [], mode, sources.allocatable));
    if (s.serviceAccountToken) files.push(await tokenFile(pod, s.serviceAccountToken, mode, sources));
  }
  return files;
}

async function objectFiles(kind: 'configmap' | 'secret', src: ObjectSource, mode: number, sources: VolumeSources): Promise<File[]> {
  const name = src.name ?? '';
  const data = new Map<string, Buffer>();
  if (kind === 'configmap') {
    const cm = await sources.configMap(name);
    if (!cm && !src.optional) throw new VolumeError(`configmap "${name}" not found`);
    for (const [k, val] of Object.entries(cm?.data ?? {})) data.set(k, Buffer.from(val, 'utf8'));
    for (const [k, val] of Object.entries(cm?.binaryData ?? {})) data.set(k, Buffer.from(val, 'base64'));
  } else {
    const secret = await sources.secret(name);
    if (!secret && !src.optional) throw new VolumeError(`secret "${name}" not found`);
    for (const [k, val] of Object.entries(secret?.data ?? {})) data.set(k, Buffer.from(val, 'base64'));
  }
  if (!src.items?.length) return [...data].map(([k, d]) => ({ path: k, data: d, mode }));
  return src.items.flatMap((item) => {
    const d = data.get(item.key);
    if (d === undefined) {
      if (src.optional) return [];
      throw new VolumeError(`configuration key "${item.key}" not found in ${kind} "${name}"`);
    }
    return [{ path: item.path, data: d, mode: item.mode ?? mode }];
  });
}

function downwardFiles(pod: PodWithVolumes, items: readonly DownwardFile[], mode: number, allocatable: Allocatable): File[] {
  return items.map((item) => {
    const r = item.resourceFieldRef;
    const value = item.fieldRef ? fieldRefValue(pod, item.fieldRef.fieldPath) : r ? resourceFieldRefValue(pod, r.containerName ?? '', r.resource, r.divisor, allocatable) : '';
    return { path: item.path, data: Buffer.from(value, 'utf8'), mode: item.mode ?? mode };
  });
}

async function tokenFile(pod: PodWithVolumes, t: TokenProjection, mode: number, sources: VolumeSources): Promise<File> {
  if (!sources.serviceAccountToken) throw new VolumeError('this kubelet cannot request service account tokens');
  const token = await sources.serviceAccountToken(t.audience ?? '', t.expirationSeconds ?? 3600, pod);
  return { path: t.path, data: Buffer.from(token, 'utf8'), mode };
}

/** A path inside a volume: relative, without `..` elements (validation refuses others; this is the kubelet's own guard). */
function safePath(p: string): string {
  const n = normalize(p);
  if (n.startsWith('/') || n === '..' || n.startsWith('../') || n.split('/').includes('..')) throw new VolumeError(`invalid path in volume: ${p}`);
  return n;
}

/**
 * Write `files` into `dir` as upstream's AtomicWriter: a fresh `..TIMESTAMP`
 * directory, `..data` renamed onto a link to it, then a link per top-level
 * name into `..data`; the previous directory and stale links go.
 */
export async function writeAtomically(dir: string, files: readonly File[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[-:]/g, '_').replace('T', '_').replace('Z', '')}.${String(process.hrtime.bigint() % 1_000_000n)}`;
  const fresh = join(dir, stamp);
  await mkdir(fresh, { mode: 0o755 });
  for (const f of files) {
    const path = join(fresh, safePath(f.path));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.data, { mode: f.mode });
    await chmod(path, f.mode);
  }
  const old = await readlink(join(dir, '..data')).catch(() => undefined);
  await rm(join(dir, '..data_tmp'), { force: true });
  await symlink(stamp, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  const top = new Set(files.map((f) => safePath(f.path).split('/')[0] ?? ''));
  for (const name of top) {
    const link = join(dir, name);
    const existing = await lstat(link).catch(() => undefined);
    if (existing?.isSymbolicLink()) continue;
    if (existing) await rm(link, { recursive: true, force: true });
    await symlink(join('..data', name), link);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || top.has(entry)) continue;
    await rm(join(dir, entry), { recursive: true, force: true });
  }
  if (old && old !== stamp) await rm(join(dir, old), { recursive: true, force: true });
}

/** The CRI mounts of a container's `volumeMounts`; a `subPath` is created inside the volume as upstream does. */
export async function containerMounts(mounts: readonly VolumeMount[], volumes: ReadonlyMap<string, string>, readOnlyVolumes: ReadonlySet<string> = new Set()): Promise<Mount[]> {
  const out: Mount[] = [];
  for (const m of mounts) {
    const base = volumes.get(m.name);
    if (base === undefined) throw new VolumeError(`volume "${m.name}" not found`);
    let hostPath = base;
    if (m.subPath) {
      hostPath = join(base, safePath(m.subPath));
      if (!(await stat(hostPath).catch(() => undefined))) await mkdir(hostPath, { recursive: true, mode: 0o755 });
    }
    out.push({ containerPath: m.mountPath, hostPath, readonly: m.readOnly === true || readOnlyVolumes.has(m.name) });
  }
  return out;
}

/** Unmount tmpfs volumes and remove the pod's volume directories (hostPath and claim volumes are left alone). */
export async function tearDownVolumes(podDir: string): Promise<void> {
  const emptyDirs = join(podDir, 'volumes', 'kubernetes.io~empty-dir');
  for (const name of await readdir(emptyDirs).catch(() => [] as string[])) {
    const dir = join(emptyDirs, name);
    if (await isMountPoint(dir)) await run('umount', [dir]);
  }
  await rm(join(podDir, 'volumes'), { recursive: true, force: true });
}
