import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import type { ServiceAllocator } from './serviceips.js';

/** Work a kind needs around its writes beyond the generic REST logic (allocations). */
export interface WriteHooks {
  /**
   * Before a create (`old` undefined) or update is validated and written:
   * fill in server-owned fields and claim what they need. Returns an undo,
   * run if the write does not happen.
   */
  beforeWrite(obj: KubeObject, old: KubeObject | undefined): Promise<() => Promise<void>>;
  /** After an update (`obj` set) or a delete: release what `old` held and `obj` does not. */
  afterWrite(old: KubeObject, obj: KubeObject | undefined): Promise<void>;
}

/** Hooks by `group/Kind`. */
export type HookTable = ReadonlyMap<string, WriteHooks>;

/** The hooks of a kind, if any. */
export const hooksFor = (table: HookTable, def: ResourceDef) => table.get(`${def.group}/${def.kind}`);

/** The hook table of the core kinds: Services get ClusterIPs and NodePorts. */
export function coreHooks(services: ServiceAllocator): HookTable {
  return new Map<string, WriteHooks>([
    [
      '/Service',
      {
        beforeWrite: (obj, old) => services.allocate(obj, old),
        afterWrite: (old, obj) => services.release(old, obj),
      },
    ],
  ]);
}

/** An undo that does nothing (kinds without hooks). */
export const noUndo = (): Promise<void> => Promise.resolve();
