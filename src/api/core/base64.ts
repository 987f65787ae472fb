/** Strict standard base64 checking, as Go's base64.StdEncoding that decodes Secret `data`. */

const alphabet = /[A-Za-z0-9+/]/;

/**
 * Upstream's decode error for `s` (`illegal base64 data at input byte N`),
 * or undefined if `s` is valid padded standard base64 (CR and LF ignored).
 */
export function base64Error(s: string): string | undefined {
  const err = (n: number): string => `illegal base64 data at input byte ${n}`;
  let quantum = 0;
  let quantumStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '\r' || c === '\n') continue;
    if (quantum === 0) quantumStart = i;
    if (c === '=') {
      if (quantum < 2) return err(i);
      if (quantum === 2) {
        let j = i + 1;
        while (j < s.length && (s.charAt(j) === '\r' || s.charAt(j) === '\n')) j++;
        if (j >= s.length) return err(s.length);
        if (s.charAt(j) !== '=') return err(j);
        i = j;
      }
      for (let k = i + 1; k < s.length; k++) if (s.charAt(k) !== '\r' && s.charAt(k) !== '\n') return err(k);
      return undefined;
    }
    if (!alphabet.test(c)) return err(i);
    quantum = (quantum + 1) % 4;
  }
  return quantum === 0 ? undefined : err(quantumStart);
}
