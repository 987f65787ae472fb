import type { MessageTable } from './schema.js';

// Field numbers from k8s.io/api autoscaling/v1 and autoscaling/v2
// (generated.proto). The two versions share names upstream; here the
// v1-only messages end in V1 and v2's metric messages in V2.

/** Message tables of autoscaling/v1 and v2 HorizontalPodAutoscaler (kubectl autoscale sends them). */
export const autoscalingTables: Readonly<Record<string, MessageTable>> = {
  CrossVersionObjectReference: { 1: 'kind', 2: 'name', 3: 'apiVersion' },

  HorizontalPodAutoscalerV1: { 1: 'metadata ObjectMeta', 2: 'spec HorizontalPodAutoscalerSpecV1', 3: 'status HorizontalPodAutoscalerStatusV1' },
  HorizontalPodAutoscalerSpecV1: {
    1: 'scaleTargetRef CrossVersionObjectReference',
    2: 'minReplicas int32?',
    3: 'maxReplicas int32?',
    4: 'targetCPUUtilizationPercentage int32?',
  },
  HorizontalPodAutoscalerStatusV1: {
    1: 'observedGeneration int64?',
    2: 'lastScaleTime Time',
    3: 'currentReplicas int32?',
    4: 'desiredReplicas int32?',
    5: 'currentCPUUtilizationPercentage int32?',
  },

  HorizontalPodAutoscaler: { 1: 'metadata ObjectMeta', 2: 'spec HorizontalPodAutoscalerSpec', 3: 'status HorizontalPodAutoscalerStatus' },
  HorizontalPodAutoscalerSpec: {
    1: 'scaleTargetRef CrossVersionObjectReference',
    2: 'minReplicas int32?',
    3: 'maxReplicas int32?',
    4: 'metrics []MetricSpecV2',
    5: 'behavior HorizontalPodAutoscalerBehavior',
  },
  HorizontalPodAutoscalerBehavior: { 1: 'scaleUp HPAScalingRules', 2: 'scaleDown HPAScalingRules' },
  HPAScalingRules: { 1: 'selectPolicy string?', 2: 'policies []HPAScalingPolicy', 3: 'stabilizationWindowSeconds int32?', 4: 'tolerance Quantity' },
  HPAScalingPolicy: { 1: 'type', 2: 'value int32?', 3: 'periodSeconds int32?' },
  MetricSpecV2: {
    1: 'type',
    2: 'object ObjectMetricSourceV2',
    3: 'pods PodsMetricSourceV2',
    4: 'resource ResourceMetricSourceV2',
    5: 'external ExternalMetricSourceV2',
    7: 'containerResource ContainerResourceMetricSourceV2',
  },
  ObjectMetricSourceV2: { 1: 'describedObject CrossVersionObjectReference', 2: 'target MetricTarget', 3: 'metric MetricIdentifier' },
  PodsMetricSourceV2: { 1: 'metric MetricIdentifier', 2: 'target MetricTarget' },
  ResourceMetricSourceV2: { 1: 'name', 2: 'target MetricTarget' },
  ContainerResourceMetricSourceV2: { 1: 'name', 2: 'target MetricTarget', 3: 'container' },
  ExternalMetricSourceV2: { 1: 'metric MetricIdentifier', 2: 'target MetricTarget' },
  MetricIdentifier: { 1: 'name', 2: 'selector LabelSelector' },
  MetricTarget: { 1: 'type', 2: 'value Quantity', 3: 'averageValue Quantity', 4: 'averageUtilization int32?' },
  HorizontalPodAutoscalerStatus: {
    1: 'observedGeneration int64?',
    2: 'lastScaleTime Time',
    3: 'currentReplicas int32',
    4: 'desiredReplicas int32?',
    5: 'currentMetrics []MetricStatusV2',
    6: 'conditions []HorizontalPodAutoscalerCondition',
  },
  HorizontalPodAutoscalerCondition: { 1: 'type', 2: 'status', 3: 'lastTransitionTime Time', 4: 'reason', 5: 'message', 6: 'observedGeneration int64' },
  MetricStatusV2: {
    1: 'type',
    2: 'object ObjectMetricStatusV2',
    3: 'pods PodsMetricStatusV2',
    4: 'resource ResourceMetricStatusV2',
    5: 'external ExternalMetricStatusV2',
    7: 'containerResource ContainerResourceMetricStatusV2',
  },
  ObjectMetricStatusV2: { 1: 'metric MetricIdentifier', 2: 'current MetricValueStatus', 3: 'describedObject CrossVersionObjectReference' },
  PodsMetricStatusV2: { 1: 'metric MetricIdentifier', 2: 'current MetricValueStatus' },
  ResourceMetricStatusV2: { 1: 'name', 2: 'current MetricValueStatus' },
  ContainerResourceMetricStatusV2: { 1: 'name', 2: 'current MetricValueStatus', 3: 'container' },
  ExternalMetricStatusV2: { 1: 'metric MetricIdentifier', 2: 'current MetricValueStatus' },
  MetricValueStatus: { 1: 'value Quantity', 2: 'averageValue Quantity', 3: 'averageUtilization int32?' },
};
