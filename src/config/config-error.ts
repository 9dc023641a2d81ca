// The error thrown for any configuration problem: unreadable or malformed file, bad value, bad db-uri.
// It only describes the problem; printing it and exiting is the CLI's job.

/** Where in a config file a syntax error was found (1-based line and column). */
export interface ConfigPosition {
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
}

/** A configuration problem; `key` names the offending key when there is one. */
export class ConfigError extends Error {
  readonly key: string | undefined;
  readonly position: ConfigPosition | undefined;

  constructor(message: string, key?: string, position?: ConfigPosition) {
    super(message);
    this.name = 'ConfigError';
    this.key = key;
    this.position = position;
  }
}
