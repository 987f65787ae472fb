/** The autoscaling resources: HorizontalPodAutoscaler in v2 (stored, preferred) and v1. */
import type { ResourceDef } from '../resource.js';
import { horizontalPodAutoscalersV1 } from './hpa-v1.js';
import { horizontalPodAutoscalersV2 } from './hpa.js';

/** The autoscaling resources, preferred version first (discovery lists versions in this order). */
export const autoscaling: readonly ResourceDef[] = [horizontalPodAutoscalersV2, horizontalPodAutoscalersV1];

export { horizontalPodAutoscalersV1, horizontalPodAutoscalersV2 };
export { hpaToV1, hpaToV2, annotations as hpaAnnotations } from './convert.js';
