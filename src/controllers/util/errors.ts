/** Errors as controllers handle them: anything thrown, as an Error with a message for events and conditions. */
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(typeof e === 'string' ? e : JSON.stringify(e)));
