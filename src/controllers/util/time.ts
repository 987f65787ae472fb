/** The clock controllers read (injected so that tests control time). */
export type Clock = () => Date;

export const realClock: Clock = () => new Date();

/** RFC 3339 in seconds, as metav1.Time serializes. */
export const timestamp = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
