// Header values carry bytes: node:http writes a header string one byte per character (latin1), so text that must go
// out as its UTF-8 bytes, as PostgREST sends it, is handed over as those bytes spelt as latin1 characters.

/** `text`'s UTF-8 bytes as a latin1 string (ASCII text is returned as it is). */
export function headerBytes(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return Buffer.from(text, 'utf8').toString('latin1');
  }
  return text;
}
