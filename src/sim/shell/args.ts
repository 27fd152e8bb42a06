// A command's words once read: positional arguments and each option's values in order ('' for one
// that takes none). kubectl's reader (shell.ts parseArgs) and curl's (curl-args.ts) both give this.

export interface Args {
  pos: string[];
  flags: Map<string, string[]>;
}

/** Records one more value of option `name`. */
export function addFlag(flags: Map<string, string[]>, name: string, value: string): void {
  flags.set(name, [...(flags.get(name) ?? []), value]);
}

/** The last value given under any of `names`, or undefined. */
export const flag = (a: Args, ...names: string[]) =>
  names.map((n) => a.flags.get(n)?.at(-1)).find((v) => v !== undefined);

/** Every value given under `names`, in order. */
export const flags = (a: Args, ...names: string[]) => names.flatMap((n) => a.flags.get(n) ?? []);

export const has = (a: Args, ...names: string[]) => names.some((n) => a.flags.has(n));
