import type { KubeObject } from '../../api/meta.js';
import { evaluateJSONPath } from '../../api/jsonpath.js';
import type { PrinterColumn } from '../../api/resource.js';
import { humanDuration, nameCol, type Cell, type Column, type Printer } from './helpers.js';

/** A cell as upstream's custom resource table convertor makes it: typed by the column, null when absent or mistyped. */
function cell(column: PrinterColumn, obj: KubeObject, now: Date): Cell {
  let found: unknown[];
  try {
    found = evaluateJSONPath(obj, column.jsonPath);
  } catch {
    return null;
  }
  const value = found[0];
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = Date.parse(value);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}

/** The printer of a kind with printer columns (custom resources): NAME, then each column. */
export function columnPrinter(columns: readonly PrinterColumn[]): Printer {
  return {
    columns: [
      nameCol,
      ...columns.map((c): Column => ({ name: c.name, type: c.type as Column['type'], priority: c.priority, ...(c.format ? { format: c.format } : {}), ...(c.description ? { description: c.description } : {}) })),
    ],
    row: (obj, now) => [obj.metadata.name ?? '', ...columns.map((c) => cell(c, obj, now))],
  };
}
