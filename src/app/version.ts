// The version reported by `--version`, the `Server` header and logs.
export const VERSION = '0.1.0';
