/**
 * Whether a PersistentVolume can serve a PersistentVolumeClaim, as
 * upstream's component-helpers judge it for the PV controller and the
 * scheduler's volume binding alike: class, volume mode, access modes,
 * capacity and the claim's selector. Node affinity is the caller's (the
 * scheduler knows the Node, the binder only its name).
 */
import { fromLabelSelector, type LabelSelectorSpec } from '../labels.js';
import { quantityValue } from '../quantity.js';

export interface ClaimLike {
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: {
    readonly storageClassName?: string;
    readonly volumeName?: string;
    readonly volumeMode?: string;
    readonly accessModes?: readonly string[];
    readonly selector?: LabelSelectorSpec;
    readonly resources?: { readonly requests?: Readonly<Record<string, string>> };
  } | undefined;
}

export interface VolumeLike {
  readonly metadata: { readonly name?: string; readonly labels?: Readonly<Record<string, string>>; readonly deletionTimestamp?: string };
  readonly spec?: {
    readonly storageClassName?: string;
    readonly volumeMode?: string;
    readonly accessModes?: readonly string[];
    readonly capacity?: Readonly<Record<string, string>>;
    readonly claimRef?: { readonly namespace?: string; readonly name?: string; readonly uid?: string };
  } | undefined;
}

/** Set on a claim once the PV controller finished binding it. */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';

/** The storage a claim asks for, in bytes (0 if it names none). */
export const requestedStorage = (c: ClaimLike): number => quantityValue(c.spec?.resources?.requests?.storage) ?? 0;

/** Class, volume mode, access modes, capacity and selector all admit the pair. */
export function volumeSatisfiesClaim(pv: VolumeLike, claim: ClaimLike): boolean {
  if ((pv.spec?.storageClassName ?? '') !== (claim.spec?.storageClassName ?? '')) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) return false;
  if (!(claim.spec?.accessModes ?? []).every((m) => pv.spec?.accessModes?.includes(m))) return false;
  if ((quantityValue(pv.spec?.capacity?.storage) ?? 0) < requestedStorage(claim)) return false;
  if (claim.spec?.selector) {
    try {
      if (!fromLabelSelector(claim.spec.selector).matches(pv.metadata.labels ?? {})) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The volume's claimRef names this claim (and its uid, when the ref has one). */
export const volumeBoundToClaim = (pv: VolumeLike, claim: ClaimLike): boolean => {
  const ref = pv.spec?.claimRef;
  return ref !== undefined && ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name && (!ref.uid || ref.uid === claim.metadata.uid);
};

/** The PV controller finished binding the claim: it names its volume and carries bind-completed. */
export const claimFullyBound = (c: ClaimLike): boolean => !!c.spec?.volumeName && c.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== undefined;
