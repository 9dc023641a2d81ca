// A bounded memo for pure functions of a header's text: clients send the same few headers over and over, and reading
// one costs microseconds. Results are shared between requests, so they must be treated as immutable.

/** `fn` remembered per argument text, up to `size` texts (then forgotten all at once and refilled). */
export function memoByText<T>(size: number, fn: (text: string) => T): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    let value = memo.get(text);
    if (value === undefined) {
      value = fn(text);
      if (memo.size >= size) memo.clear();
      memo.set(text, value);
    }
    return value;
  };
}
