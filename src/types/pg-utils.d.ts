// Types for node-postgres's value mapper (`pg/lib/utils.js`), which the batch writer reuses so values are encoded
// exactly as node-postgres encodes them.
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
