/** batch/v1 Job. */
import type { ResourceDef } from '../resource.js';
import { getNum, getObj } from '../core/util.js';
import { defaultJob } from './job-defaults.js';
import { validateJob } from './job-validation.js';

/** The `jobs` resource. */
export const jobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  resource: 'jobs',
  singular: 'job',
  kind: 'Job',
  listKind: 'JobList',
  namespaced: true,
  shortNames: [],
  categories: ['all'],
  hasStatus: true,
  tracksGeneration: true,
  fieldSelectors: { 'status.successful': (o) => String(getNum(getObj(o, 'status'), 'succeeded') ?? 0) },
  defaults: defaultJob,
  validate: validateJob,
};
