// Unsigned decimal numbers as the config-file syntax reads them (exact, arbitrary precision) and the two
// ways PostgREST prints them: Haskell's `show` of a Scientific and `$(name)` interpolation text. No file parsing.

/** A number as digits d1…dn and exponent e, meaning 0.d1…dn × 10^e; no leading/trailing zeros; zero is ('0', 0). */
export interface DecimalDigits {
  readonly digits: string;
  readonly exponent: number;
}

const NUMBER_LEXEME = /^([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** Splits a number lexeme (`12`, `1.5`, `2e3`) into normalised decimal digits. */
export function decimalDigits(lexeme: string): DecimalDigits {
  const m = NUMBER_LEXEME.exec(lexeme);
  if (m === null) throw new RangeError(`not a number lexeme: ${lexeme}`);
  const whole = m[1] ?? '';
  const all = whole + (m[2] ?? '');
  const lead = all.search(/[^0]/);
  if (lead < 0) return { digits: '0', exponent: 0 };
  return {
    digits: all.slice(lead).replace(/0+$/, ''),
    exponent: whole.length + Number(m[3] ?? '0') - lead,
  };
}

/** Haskell's generic float format: fixed notation for exponents 0..7, otherwise `d.ddde<n>`. */
export function formatGeneric({ digits, exponent }: DecimalDigits): string {
  if (exponent < 0 || exponent > 7) {
    if (digits === '0') return '0.0e0';
    const rest = digits.slice(1);
    return `${digits.charAt(0)}.${rest === '' ? '0' : rest}e${exponent - 1}`;
  }
  if (exponent === 0) return `0.${digits}`;
  const whole = digits.length >= exponent ? digits.slice(0, exponent) : digits + '0'.repeat(exponent - digits.length);
  const fraction = digits.slice(exponent);
  return `${whole}.${fraction === '' ? '0' : fraction}`;
}

/** What Haskell's `show` prints for this number as a Scientific: `660` → `660.0`, `0.05` → `5.0e-2`. */
export function showScientific(lexeme: string): string {
  return formatGeneric(decimalDigits(lexeme));
}

/** The integer value of a lexeme, or undefined when it has a fractional part or is not a safe integer. */
export function integerValue(lexeme: string): number | undefined {
  const big = bigIntegerValue(decimalDigits(lexeme));
  if (big === undefined) return undefined;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : undefined;
}

const INT64_MAX = 9223372036854775807n;

/** The text `$(name)` inserts for a number: an Int64 in decimal, anything else as a Double in generic format. */
export function interpolationText(lexeme: string): string {
  const parts = decimalDigits(lexeme);
  const big = bigIntegerValue(parts);
  if (big !== undefined && big <= INT64_MAX) return big.toString();
  const value = Number(lexeme);
  if (!Number.isFinite(value)) return 'Infinity';
  const [mantissa = '0', exp = '0'] = value.toExponential().split('e');
  return formatGeneric({ digits: mantissa.replace('.', ''), exponent: Number(exp) + 1 });
}

function bigIntegerValue({ digits, exponent }: DecimalDigits): bigint | undefined {
  if (digits === '0') return 0n;
  // Exponents past 4000 digits cannot be a useful integer; refuse them rather than build huge numbers.
  if (exponent < digits.length || exponent > 4000) return undefined;
  return BigInt(digits + '0'.repeat(exponent - digits.length));
}
