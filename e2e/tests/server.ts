// Starts and stops a real `sluice serve` for a test file: its own port and data
// directory, so a test can restart the server and find its data again.
import { spawn, ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ADMIN_PASSWORD = 'admin-pass-e2e';
export const ANALYST = { user: 'analyst', password: 'analyst-demo' };

const repo = path.resolve(__dirname, '..', '..');
const bin = process.env.SLUICE_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target'), 'debug', 'sluice');

export class Server {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-e2e-'));
  private child?: ChildProcess;
  /** `alone`: the binary is copied into an empty folder and started there
   * without `--static-dir`, as an operator would: the app must come from inside it. */
  constructor(readonly port: number, readonly alone = false) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = ['serve', '--addr', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir, '--demo'];
    let program = bin;
    let cwd = repo;
    if (this.alone) {
      cwd = mkdtempSync(path.join(tmpdir(), 'sluice-alone-'));
      program = path.join(cwd, 'sluice');
      copyFileSync(bin, program);
    } else {
      args.push('--static-dir', path.join(repo, 'static'));
    }
    this.child = spawn(program, args, {
      cwd,
      env: { ...process.env, SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`${this.url}/api/openapi.json`);
        if (r.ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`sluice serve did not start on ${this.url}`);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
