// The README's first command (`bash scripts/setup.sh --start`) on a machine where it cannot install
// the system packages (issue 9 item 1): it must stop before doing anything else and print the one
// command to run. The root path (apt-get install, then npm ci) is what CI's fresh machine runs in
// .ci/run; this file covers the path CI cannot take: a person without root or sudo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const setup = new URL('./setup.sh', import.meta.url).pathname;
const NOBODY = 65534;

/** Runs setup.sh from a copy of the repo's scripts folder, as `nobody` when we are root, else as us. */
function runWithoutRoot(dir: string): ReturnType<typeof spawnSync> {
  const env = {
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: dir,
    // Every system package counts as missing, so the install path is taken on a machine that has them.
    SOTTO_SETUP_FORCE_APT: '1',
  };
  const script = join(dir, 'scripts', 'setup.sh');
  const asNobody = process.getuid?.() === 0
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', 'bash', script]] as const
    : ['bash', [script]] as const;
  // stdin not a terminal: sudo could not ask for a password either.
  return spawnSync(asNobody[0], asNobody[1], { env, cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

test('without root or sudo, setup stops at once with the exact command to run, and installs nothing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-setup-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(setup, join(dir, 'scripts', 'setup.sh'));
    for (const p of [dir, join(dir, 'scripts')]) chmodSync(p, 0o755);
    chmodSync(join(dir, 'scripts', 'setup.sh'), 0o644);
    const node = process.getuid?.() === 0
      ? spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, '--version'], { encoding: 'utf8' })
      : { status: 0 };
    if (node.status !== 0) return t.skip(`user nobody cannot run ${process.execPath} here`);

    const r = runWithoutRoot(dir);
    assert.equal(r.status, 1, `exits 1 (stdout: ${String(r.stdout)} stderr: ${String(r.stderr)})`);
    const install = 'apt-get update && apt-get install -y --no-install-recommends tor chromium fonts-liberation';
    assert.match(String(r.stderr), /Sotto needs these system packages: tor chromium fonts-liberation\./);
    assert.ok(String(r.stderr).includes(`  sudo sh -c '${install}'`), `the exact command: ${String(r.stderr)}`);
    assert.ok(String(r.stderr).includes(`(or, as root: ${install})`));
    assert.equal(String(r.stdout), '', 'nothing started: no install, no npm ci');
    assert.deepEqual(readdirSync(dir).sort(), ['scripts'], 'nothing written next to the scripts (no node_modules)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
