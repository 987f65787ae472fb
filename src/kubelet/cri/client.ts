import { Client, Metadata, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { criService } from './definition.js';
import { CriError } from './errors.js';
import type {
  AttachRequest, AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter, ContainerStatusResponse, ExecRequest, ExecSyncResponse, Image,
  ImageSpec, PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatusResponse, VersionResponse,
} from './types.js';

/** The CRI API version skiff speaks. */
export const CRI_API_VERSION = 'v1';

/** Per-call options. */
export interface CriCallOptions {
  /** Cancels the call (the runtime may still finish the work). */
  readonly signal?: AbortSignal;
  /** Deadline of the call; default the client's `timeoutMs`. */
  readonly timeoutMs?: number;
}

/** Options of {@link newCriClient}. */
export interface CriClientOptions {
  /** Deadline of each call but `pullImage` (default 2 min, the kubelet's `--runtime-request-timeout`). */
  readonly timeoutMs?: number;
  /** Deadline of `pullImage` (default none: pulls of large images take long). */
  readonly pullTimeoutMs?: number;
}

/** A typed client of CRI `runtime.v1` RuntimeService and ImageService. */
export interface CriClient {
  /** `unix:///…` address the client dials. */
  readonly endpoint: string;
  version(opts?: CriCallOptions): Promise<VersionResponse>;
  /** Run a pod sandbox; returns its id. */
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string, opts?: CriCallOptions): Promise<string>;
  stopPodSandbox(podSandboxId: string, opts?: CriCallOptions): Promise<void>;
  removePodSandbox(podSandboxId: string, opts?: CriCallOptions): Promise<void>;
  podSandboxStatus(podSandboxId: string, verbose?: boolean, opts?: CriCallOptions): Promise<PodSandboxStatusResponse>;
  listPodSandbox(filter?: PodSandboxFilter, opts?: CriCallOptions): Promise<PodSandbox[]>;
  /** Create a container in a sandbox; returns its id. */
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig, opts?: CriCallOptions): Promise<string>;
  startContainer(containerId: string, opts?: CriCallOptions): Promise<void>;
  /** Stop with SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`. */
  stopContainer(containerId: string, timeoutSeconds: number, opts?: CriCallOptions): Promise<void>;
  removeContainer(containerId: string, opts?: CriCallOptions): Promise<void>;
  containerStatus(containerId: string, verbose?: boolean, opts?: CriCallOptions): Promise<ContainerStatusResponse>;
  listContainers(filter?: ContainerFilter, opts?: CriCallOptions): Promise<Container[]>;
  /** Run `cmd` in a running container and collect its output; `timeoutSeconds` 0 waits forever. */
  execSync(containerId: string, cmd: readonly string[], timeoutSeconds?: number, opts?: CriCallOptions): Promise<ExecSyncResponse>;
  /** The URL of the runtime's streaming server that runs `req` once a client upgrades a request to it (SPDY or WebSocket). */
  exec(req: ExecRequest, opts?: CriCallOptions): Promise<string>;
  /** The URL of the streaming server that attaches to a running container's main process. */
  attach(req: AttachRequest, opts?: CriCallOptions): Promise<string>;
  /** The URL of the streaming server that forwards connections into the sandbox's network namespace. */
  portForward(podSandboxId: string, ports: readonly number[], opts?: CriCallOptions): Promise<string>;
  /** Resource usage of one container. */
  containerStats(containerId: string, opts?: CriCallOptions): Promise<ContainerStats>;
  /** Resource usage of the running containers the filter selects. */
  listContainerStats(filter?: ContainerStatsFilter, opts?: CriCallOptions): Promise<ContainerStats[]>;
  /** The image, or `undefined` if the runtime does not have it. */
  imageStatus(image: ImageSpec, opts?: CriCallOptions): Promise<Image | undefined>;
  /** Pull an image; returns the runtime's reference to it (an image id). */
  pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig, opts?: CriCallOptions): Promise<string>;
  listImages(filter?: ImageSpec, opts?: CriCallOptions): Promise<Image[]>;
  removeImage(image: ImageSpec, opts?: CriCallOptions): Promise<void>;
  /** Close the channel; calls after this fail. */
  close(): void;
}

/** containerd's default gRPC message limit; ExecSync output may reach it. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** `unix:///abs/path` for a socket path or an endpoint given with or without the scheme. */
export function criAddress(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return `unix://${endpoint.slice('unix://'.length).replace(/^\/*/, '/')}`;
  if (endpoint.startsWith('unix:')) return `unix://${endpoint.slice('unix:'.length).replace(/^\/*/, '/')}`;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`container runtime endpoint ${JSON.stringify(endpoint)}: expected unix:///path/to/socket`);
}

/**
 * A CRI client over the runtime's unix socket. Calls fail with a
 * {@link CriError} (`isCriNotFound`, `isCriUnavailable`); the channel
 * reconnects by itself when the runtime restarts.
 *
 * @example
 * const cri = newCriClient('unix:///var/lib/skiff/containerd/containerd.sock');
 * const { runtimeName, runtimeVersion } = await cri.version();
 * cri.close();
 */
export function newCriClient(endpoint: string, options: CriClientOptions = {}): CriClient {
  const address = criAddress(endpoint);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const runtime = criService('RuntimeService');
  const images = criService('ImageService');
  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // A restarted containerd is back within a second or two; grpc's default
    // back-off (up to 120 s) would keep the node's pods waiting long after.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2000,
  });

  /** One unary call; the response is typed by the proto, which the caller names. */
  const call = <T>(svc: ServiceDefinition, name: string, request: object, opts: CriCallOptions | undefined, defaultTimeoutMs: number | undefined): Promise<T> => {
    const method = svc[name];
    if (method === undefined) return Promise.reject(new Error(`CRI proto has no method ${name}`));
    const signal = opts?.signal;
    if (signal?.aborted === true) return Promise.reject(new CriError(name, GrpcStatus.CANCELLED, 'aborted before the call', { cause: signal.reason }));
    const limit = opts?.timeoutMs ?? defaultTimeoutMs;
    const callOptions = limit === undefined ? {} : { deadline: Date.now() + limit };
    return new Promise<T>((resolve, reject) => {
      const pending = client.makeUnaryRequest(
        method.path, method.requestSerialize, method.responseDeserialize, request, new Metadata(), callOptions,
        (err: ServiceError | null, response?: object) => {
          signal?.removeEventListener('abort', cancel);
          if (err !== null) reject(new CriError(name, err.code, err.details || err.message, { cause: err }));
          // The deserializer built the object from the proto that `T` mirrors.
          else resolve(response as T);
        },
      );
      function cancel(): void { pending.cancel(); }
      signal?.addEventListener('abort', cancel, { once: true });
    });
  };
  const rt = <T>(name: string, request: object, opts?: CriCallOptions) => call<T>(runtime, name, request, opts, timeoutMs);
  const img = <T>(name: string, request: object, opts?: CriCallOptions) => call<T>(images, name, request, opts, timeoutMs);

  return {
    endpoint: address,
    version: (opts) => rt('Version', { version: CRI_API_VERSION }, opts),
    runPodSandbox: async (config, runtimeHandler = '', opts) =>
      (await rt<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler }, opts)).podSandboxId,
    stopPodSandbox: async (podSandboxId, opts) => { await rt('StopPodSandbox', { podSandboxId }, opts); },
    removePodSandbox: async (podSandboxId, opts) => { await rt('RemovePodSandbox', { podSandboxId }, opts); },
    podSandboxStatus: (podSandboxId, verbose = false, opts) => rt('PodSandboxStatus', { podSandboxId, verbose }, opts),
    listPodSandbox: async (filter, opts) =>
      (await rt<{ items: PodSandbox[] }>('ListPodSandbox', filter === undefined ? {} : { filter }, opts)).items,
    createContainer: async (podSandboxId, config, sandboxConfig, opts) =>
      (await rt<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig }, opts)).containerId,
    startContainer: async (containerId, opts) => { await rt('StartContainer', { containerId }, opts); },
    stopContainer: async (containerId, timeoutSeconds, opts) => {
      // The runtime waits up to `timeout` itself; give the call that long and more.
      await call(runtime, 'StopContainer', { containerId, timeout: timeoutSeconds }, opts, timeoutMs + timeoutSeconds * 1000);
    },
    removeContainer: async (containerId, opts) => { await rt('RemoveContainer', { containerId }, opts); },
    containerStatus: (containerId, verbose = false, opts) => rt('ContainerStatus', { containerId, verbose }, opts),
    listContainers: async (filter, opts) =>
      (await rt<{ containers: Container[] }>('ListContainers', filter === undefined ? {} : { filter }, opts)).containers,
    execSync: (containerId, cmd, timeoutSeconds = 0, opts) =>
      call(runtime, 'ExecSync', { containerId, cmd, timeout: timeoutSeconds }, opts, timeoutSeconds > 0 ? timeoutMs + timeoutSeconds * 1000 : undefined),
    exec: async (req, opts) => (await rt<{ url: string }>('Exec', req, opts)).url,
    attach: async (req, opts) => (await rt<{ url: string }>('Attach', req, opts)).url,
    portForward: async (podSandboxId, port, opts) => (await rt<{ url: string }>('PortForward', { podSandboxId, port }, opts)).url,
    containerStats: async (containerId, opts) => {
      const { stats } = await rt<{ stats: ContainerStats | null }>('ContainerStats', { containerId }, opts);
      if (!stats) throw new CriError('ContainerStats', GrpcStatus.NOT_FOUND, `no stats for container ${containerId}`);
      return stats;
    },
    listContainerStats: async (filter, opts) =>
      (await rt<{ stats: ContainerStats[] }>('ListContainerStats', filter === undefined ? {} : { filter }, opts)).stats,
    imageStatus: async (image, opts) => (await img<{ image: Image | null }>('ImageStatus', { image }, opts)).image ?? undefined,
    pullImage: async (image, auth, sandboxConfig, opts) =>
      (await call<{ imageRef: string }>(images, 'PullImage', { image, auth, sandboxConfig }, opts, options.pullTimeoutMs)).imageRef,
    listImages: async (filter, opts) =>
      (await img<{ images: Image[] }>('ListImages', filter === undefined ? {} : { filter: { image: filter } }, opts)).images,
    removeImage: async (image, opts) => { await img('RemoveImage', { image }, opts); },
    close: () => { client.close(); },
  };
}
