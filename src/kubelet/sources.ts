/**
 * What the kubelet's server serves, found from the pod (read from the API)
 * and CRI: a container's log file and whether it still grows, and the
 * runtime's streaming URL of an exec, attach or port-forward. Refusals
 * carry upstream's kubelet messages, which kubectl shows as they are.
 */
import { join } from 'node:path';
import { pods as podsRef } from '../api/core/index.js';
import { isNotFound, type Client } from '../client/index.js';
import type { CriClient } from './cri/client.js';
import { isCriNotFound } from './cri/errors.js';
import type { Container } from './cri/types.js';
import { containerLogPath, podLogDirectory } from './pod/sandbox.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL, type Pod } from './pod/types.js';
import type { LogSource, StreamRequest, StreamTarget } from './server.js';

/** What {@link newPodSources} reads. */
export interface PodSourcesOptions {
  readonly client: Client;
  readonly cri: CriClient;
  readonly dataDir: string;
}

type ContainerStatusView = { name: string; containerID?: string; state?: { waiting?: { reason?: string } }; lastState?: { terminated?: { containerID?: string } } };

/** The log and stream finders of {@link startKubeletServer}'s options. */
export function newPodSources(o: PodSourcesOptions): { logOf: (ns: string, pod: string, container: string, previous: boolean) => Promise<LogSource>; streamOf: (r: StreamRequest) => Promise<StreamTarget> } {
  const getPod = async (ns: string, name: string): Promise<Pod | undefined> => {
    try {
      return await o.client.get<Pod>(podsRef, ns, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  /** The pod's instances of `container` (every sandbox), newest attempt first. */
  const instances = async (pod: Pod, container: string): Promise<Container[]> => {
    const all = await o.cri.listContainers({ labelSelector: { [POD_UID_LABEL]: pod.metadata.uid ?? '', [CONTAINER_NAME_LABEL]: container } });
    return all.sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1));
  };
  const running = async (id: string): Promise<boolean> => {
    try {
      return (await o.cri.containerStatus(id)).status?.state === 'CONTAINER_RUNNING';
    } catch (err) {
      if (isCriNotFound(err)) return false;
      throw err;
    }
  };

  const logOf = async (ns: string, name: string, container: string, previous: boolean): Promise<LogSource> => {
    const pod = await getPod(ns, name);
    if (!pod) return { code: 400, error: `pod "${name}" cannot be found - no logs available` };
    const s = pod.status as { containerStatuses?: ContainerStatusView[]; initContainerStatuses?: ContainerStatusView[] } | undefined;
    const status = [...(s?.containerStatuses ?? []), ...(s?.initContainerStatuses ?? [])].find((c) => c.name === container);
    const list = await instances(pod, container);
    let chosen: Container | undefined;
    if (previous) {
      // The status's last terminated instance, as upstream: while the container waits to restart that is the newest one.
      const id = status?.lastState?.terminated?.containerID?.replace(/^[a-z]+:\/\//, '');
      chosen = id ? list.find((c) => c.id === id) : undefined;
      if (!chosen) return { code: 400, error: `previous terminated container "${container}" in pod "${name}" not found` };
    } else {
      chosen = list[0];
      if (!chosen) {
        if (!status) return { code: 400, error: `container "${container}" in pod "${name}" is not available` };
        const reason = status.state?.waiting?.reason;
        if (reason === 'ErrImagePull') return { code: 400, error: `container "${container}" in pod "${name}" is waiting to start: image can't be pulled` };
        if (reason === 'ImagePullBackOff') return { code: 400, error: `container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image` };
        if (reason) return { code: 400, error: `container "${container}" in pod "${name}" is waiting to start: ${reason}` };
        return { code: 400, error: `container "${container}" in pod "${name}" is waiting to start - no logs yet` };
      }
    }
    const id = chosen.id;
    const path = join(podLogDirectory(o.dataDir, pod), containerLogPath(container, chosen.metadata?.attempt ?? 0));
    return { path, done: async () => !(await running(id)) };
  };

  const streamOf = async (r: StreamRequest): Promise<StreamTarget> => {
    const pod = await getPod(r.namespace, r.pod);
    if (!pod) return { code: 404, error: 'pod does not exist' };
    try {
      if (r.kind === 'portForward') {
        const sandboxes = await o.cri.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: pod.metadata.uid ?? '' }, state: { state: 'SANDBOX_READY' } });
        const sandbox = sandboxes[0];
        if (!sandbox) return { code: 500, error: `pod not found ("${r.pod}_${r.namespace}")` };
        return { url: await o.cri.portForward(sandbox.id, r.ports) };
      }
      // Only a running instance can run a command or be attached to, as upstream's findContainer looks among running ones.
      const list = await instances(pod, r.container);
      const live = list.find((c) => c.state === 'CONTAINER_RUNNING');
      if (!live) return { code: 500, error: `container not found ("${r.container}")` };
      const streams = { containerId: live.id, tty: r.tty, stdin: r.stdin, stdout: r.stdout, stderr: r.stderr && !r.tty };
      return { url: r.kind === 'exec' ? await o.cri.exec({ ...streams, cmd: r.command }) : await o.cri.attach(streams) };
    } catch (err) {
      return { code: isCriNotFound(err) ? 404 : 500, error: err instanceof Error ? err.message : String(err) };
    }
  };

  return { logOf, streamOf };
}
