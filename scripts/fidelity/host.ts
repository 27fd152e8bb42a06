// Host tools for the fidelity suite and the benchmarks: running a command, and installing a Debian
// package when its binary is missing (root only). No test framework here: the benchmarks import it.

import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function which(bin: string): Promise<boolean> {
  return (await run('sh', ['-c', `command -v ${bin}`])).code === 0;
}

let aptUpdated = false;
/** Installs a Debian package when its binary is missing (root only): tests and benchmarks install what they drive. */
export async function ensureDebianPackage(bin: string, pkg: string): Promise<string | null> {
  if (await which(bin)) return null;
  if (!(await which('apt-get'))) return `${bin} is missing and apt-get is not available to install ${pkg}`;
  if (!aptUpdated) {
    await run('apt-get', ['update']);
    aptUpdated = true;
  }
  const r = await run('sh', ['-c', `DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkg}`]);
  if (r.code !== 0 || !(await which(bin))) return `could not install ${pkg}: ${r.stderr.slice(-400)}`;
  return null;
}
