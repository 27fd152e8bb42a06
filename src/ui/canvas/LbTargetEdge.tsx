// A load balancer's arrow to a node's NodePort: React Flow's bezier edge, with its label (the health
// check's reason for a node out of service) where it covers no box (./edge-label.ts).

import { memo } from 'react';
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { Box } from './layout';
import { labelSpot } from './edge-label';

export type LbTargetEdgeData = { obstacles: readonly Box[] };
export type LbTargetFlowEdge = Edge<LbTargetEdgeData, 'lbTarget'>;

export const LbTargetEdge = memo(function LbTargetEdge(props: EdgeProps<LbTargetFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, data } = props;
  const [path, midX, midY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const spot = typeof label === 'string' ? labelSpot(path, label, data?.obstacles ?? []) : null;
  return (
    <BaseEdge
      path={path}
      label={label}
      labelX={spot?.x ?? midX}
      labelY={spot?.y ?? midY}
      labelBgPadding={props.labelBgPadding}
      markerEnd={props.markerEnd}
      {...(props.style ? { style: props.style } : {})}
    />
  );
});

export const edgeTypes = { lbTarget: LbTargetEdge };
