// Hex digit values shared by the percent-decoders (query string, url-encoded bodies).

/** The value of one ASCII hex digit (`0-9`, `A-F`, `a-f`) given as a char code or byte; -1 for anything else or none. */
export const hexDigitValue = (c: number | undefined): number =>
  c === undefined ? -1 : c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
