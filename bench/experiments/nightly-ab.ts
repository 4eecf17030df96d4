/**
 * `vigie run` before and after a change, alternating: `tsx bench/experiments/nightly-ab.ts <exports root>
 * <date> <base checkout> [reps]` runs the nightly task of bench/task.ts (each run its own child process,
 * as the bench runs it, so its peak RSS is its own) with `<base checkout>`'s code (another worktree, e.g.
 * `git worktree add --detach /tmp/wt-base fce7691`) and with this checkout's, alternating which goes first,
 * and prints every run, the medians, spreads and the ratio this ÷ base. Each run writes a fresh folder.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TaskResult } from '../task.js';

const run = promisify(execFile);
const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [root, date, base, repsText] = process.argv.slice(2);
if (!root || !date || !base) {
  throw new Error('usage: tsx bench/experiments/nightly-ab.ts <exports root> <date> <base checkout> [reps]');
}
const reps = Number(repsText ?? 3);
const checkouts = { base: resolve(base), this: HERE } as const;
const now = `${new Date(Date.parse(`${date}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10)}T05:00:00Z`;

async function nightly(checkout: string, out: string): Promise<TaskResult> {
  await rm(out, { recursive: true, force: true });
  const spec = { task: 'nightly', exports: resolve(root as string), out, date, now };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(checkout, 'bench/task.ts'), JSON.stringify(spec)],
    {
      cwd: checkout,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  await rm(out, { recursive: true, force: true });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as TaskResult;
}

const results: Record<keyof typeof checkouts, TaskResult[]> = { base: [], this: [] };
for (let rep = 0; rep < reps; rep++) {
  const order = rep % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const);
  for (const name of order) {
    const r = await nightly(checkouts[name], `/tmp/nightly-ab-${name}`);
    results[name].push(r);
    process.stdout.write(`rep ${rep + 1} ${name.padEnd(4)} ${(r.ms / 1000).toFixed(2)} s, ${r.rssMb} MB\n`);
  }
}
const stat = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)] ?? NaN;
  return { median, spread: (((s.at(-1) ?? 0) - (s[0] ?? 0)) / median) * 100 };
};
const b = stat(results.base.map((r) => r.ms));
const t = stat(results.this.map((r) => r.ms));
process.stdout.write(
  `median base ${(b.median / 1000).toFixed(2)} s (±${b.spread.toFixed(1)} %), this ${(t.median / 1000).toFixed(2)} s (±${t.spread.toFixed(1)} %), this/base ${(t.median / b.median).toFixed(3)}; peak RSS base ${Math.max(...results.base.map((r) => r.rssMb))} MB, this ${Math.max(...results.this.map((r) => r.rssMb))} MB\n`,
);
