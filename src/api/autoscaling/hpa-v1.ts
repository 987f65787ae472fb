/** autoscaling/v1 HorizontalPodAutoscaler: served from the autoscaling/v2 storage, converted both ways. */
import type { KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { isObj } from '../core/util.js';
import { hpaToV1, hpaToV2 } from './convert.js';
import { defaultHPA, horizontalPodAutoscalersV2, validateHPA } from './hpa.js';

/** A v1 HPA in its stored (v2) form, v2 defaults applied as upstream applies them when it reads storage. */
function toStorage(obj: KubeObject): KubeObject {
  const v2 = hpaToV2(obj);
  defaultHPA(v2);
  return v2;
}

const { storagePrefix: _stored, ...shared } = horizontalPodAutoscalersV2;

/** The `horizontalpodautoscalers` resource in autoscaling/v1. */
export const horizontalPodAutoscalersV1: ResourceDef = {
  ...shared,
  version: 'v1',
  // Upstream's autoscaling/v1 SetDefaults_HorizontalPodAutoscaler.
  defaults: (obj) => {
    const spec = (isObj(obj.spec) ? obj.spec : (obj.spec = {})) as Record<string, unknown>;
    spec.minReplicas ??= 1;
  },
  // Upstream validates the internal form, which is v2's: errors name v2 fields.
  validate: (obj, old) => validateHPA(hpaToV2(obj), old && hpaToV2(old)),
  storedAs: { group: 'autoscaling', resource: 'horizontalpodautoscalers', toStorage, fromStorage: hpaToV1 },
};
