// What a command may touch outside itself. Tests pass an in-memory Io; main.ts passes the real one.

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Read a file as UTF-8 text (`-`: standard input); throws (like fs.readFileSync) when it cannot. */
  readFile(path: string): string;
}

/** Where the built-in default scenario lives, relative to this file (src/cli -> scenarios/). */
export const DEFAULT_SCENARIO_URL = new URL('../../scenarios/default.json', import.meta.url);
