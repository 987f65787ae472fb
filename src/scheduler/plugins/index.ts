/** The default profile's plugins, in upstream's order, with upstream's score weights. */
import type { FilterPlugin, ScorePlugin } from '../framework.js';
import { imageLocality } from './imagelocality.js';
import { interPodAffinityFilter, interPodAffinityScore } from './interpodaffinity.js';
import { nodeAffinityFilter, nodeAffinityScore, nodePorts, nodeUnschedulable, taintTolerationFilter, taintTolerationScore } from './node.js';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from './resources.js';
import { podTopologySpreadFilter, podTopologySpreadScore } from './topologyspread.js';
import { volumeBinding, volumeZone } from './volumes.js';

export const defaultFilters: readonly FilterPlugin[] = [nodeUnschedulable, taintTolerationFilter, nodeAffinityFilter, nodePorts, nodeResourcesFit, volumeBinding, volumeZone, podTopologySpreadFilter, interPodAffinityFilter];

export const defaultScores: readonly ScorePlugin[] = [taintTolerationScore, nodeAffinityScore, podTopologySpreadScore, leastAllocated, balancedAllocation, imageLocality, interPodAffinityScore];
