/** A start-up problem with a setting: main.ts prints its message, one line, and exits 1. */
export class ConfigurationError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigurationError';
  }
}
