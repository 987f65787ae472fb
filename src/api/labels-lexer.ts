/** The lexer of upstream's label selector syntax (k8s.io/apimachinery/pkg/labels). */
/** Token kinds: identifiers, keywords `in`/`notin`, operators and punctuation, end of input. */
export type TokenKind = 'id' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'error' | 'end';

/** One scanned token with its literal text. */
export interface Token {
  readonly tok: TokenKind;
  readonly lit: string;
}

const symbols: ReadonlySet<string> = new Set(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);
const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** Splits a selector into tokens; an unknown symbol run becomes an `error` token, as upstream. */
export function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s.charAt(i))) i++;
    if (i >= s.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    if (isSpecial(s.charAt(i))) {
      // Longest run of symbols that still forms a known operator, as upstream's scanSpecialSymbol.
      let buf = '';
      let last: Token | undefined;
      while (i < s.length && isSpecial(s.charAt(i))) {
        buf += s.charAt(i);
        if (symbols.has(buf)) {
          last = { tok: buf as TokenKind, lit: buf };
          i++;
        } else if (last) {
          break;
        } else {
          i++;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    let buf = '';
    while (i < s.length && !isSpecial(s.charAt(i)) && !isSpace(s.charAt(i))) buf += s.charAt(i++);
    out.push({ tok: buf === 'in' ? 'in' : buf === 'notin' ? 'notin' : 'id', lit: buf });
  }
}
