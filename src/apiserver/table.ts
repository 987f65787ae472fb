import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { printers, type Printer } from './printers/index.js';
import { columnPrinter } from './printers/custom.js';
import { nameCol } from './printers/helpers.js';

export { humanDuration } from './printers/index.js';

const defaultPrinter: Printer = {
  columns: [nameCol, { name: 'Created At', type: 'date', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
  row: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
};

/** How much of each object a Table row carries (`includeObject`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Printers built from printer columns, by the columns they were built from. */
const columnPrinters = new WeakMap<object, Printer>();

/** The printer of a resource: its printer columns (custom resources), else its kind's printer, else NAME and CREATED AT. */
function printerOf(def: ResourceDef): Printer {
  const columns = def.printerColumns;
  if (!columns) return printers[def.kind] ?? defaultPrinter;
  let p = columnPrinters.get(columns);
  if (!p) columnPrinters.set(columns, (p = columnPrinter(columns)));
  return p;
}

/** Build a `meta.k8s.io/v1` Table of `objects`, with column definitions unless `noHeaders`. */
export function toTable(def: ResourceDef, objects: readonly KubeObject[], options: { now: Date; include: IncludeObject; resourceVersion?: string; continue?: string; noHeaders?: boolean }): Record<string, unknown> {
  const p = printerOf(def);
  const metadata: Record<string, string> = {};
  if (options.resourceVersion) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.noHeaders ? [] : p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority })),
    rows: objects.map((o) => ({ cells: p.row(o, options.now), object: rowObject(o, options.include) })),
  };
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'Object') return o;
  if (include === 'None') return undefined;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}
