/**
 * docs/deploy.md and docs/aws.md are followed word for word: what they type must exist. The config the
 * first night writes passes the synth's checks, the payloads they invoke with are ones the handlers take,
 * the outputs they read are the stack's, and every alarm has its row with what to do.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnOutput } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { backfillEventSchema, digestEventSchema, nightlyEventSchema } from '../../functions/handlers/events.js';
import { configText } from '../../infra/constructs/config-upload.js';
import { ALARMS } from '../../infra/constructs/operations.js';
import { PROJECT_ROOT } from '../../infra/constructs/vigie-function.js';
import { createVigieApp } from '../../infra/vigie-app.js';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const deploy = read('docs/deploy.md');
const aws = read('docs/aws.md');
const CDK_CONTEXT = JSON.parse(read('cdk.json')).context as Record<string, unknown>;

/** The section of a page under a `## ` heading, to the next one. */
function section(page: string, heading: string): string {
  const start = page.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}

describe('the first night, word for word', () => {
  const firstNight = section(deploy, 'The first night, word for word');

  it('writes the config file before the deploy command names it, and that config passes the synth', () => {
    const heredoc = /cat > (\S+) <<EOF\n([\s\S]*?)\n\s*EOF/.exec(firstNight);
    const named = /-c configFile=(\S+)/.exec(firstNight);
    expect(heredoc?.[1]).toBe('config/vigie.yaml');
    expect(named?.[1]).toBe(heredoc?.[1]);
    expect(firstNight.indexOf('cat > config/vigie.yaml')).toBeLessThan(firstNight.indexOf('npx cdk deploy'));

    // The shell expands $ME (the reader's address) and the listing's indentation is the Markdown's.
    const yaml = (heredoc?.[2] ?? '')
      .split('\n')
      .map((line) => line.replace(/^ {3}/, ''))
      .join('\n')
      .replaceAll('$ME', 'lea.martin@centre-lyon.fr');
    const dir = mkdtempSync(join(tmpdir(), 'vigie-deploy-doc-'));
    writeFileSync(join(dir, 'vigie.yaml'), yaml);
    const uploaded = configText(join(dir, 'vigie.yaml'));

    expect(uploaded).toContain('lea.martin@centre-lyon.fr');
    expect(uploaded).toMatch(/^timezone: Europe\/Paris$/m);
  });

  it('runs the night with a payload the nightly handler takes', () => {
    expect(firstNight).toContain('--payload "{\\"scheduledTime\\":\\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\\"}"');
    expect(nightlyEventSchema.safeParse({ scheduledTime: '2026-12-05T21:14:03Z' }).success).toBe(true);
  });
});

describe('the recipes', () => {
  it('invoke with payloads the handlers take', () => {
    const payloads = [...deploy.matchAll(/--payload '(\{[^']*\})'/g)].map((m) => JSON.parse(m[1] ?? 'null'));
    const digest = /`(\{"scheduledTime":"[^`]*"digest":[^`]*\})`/.exec(deploy)?.[1];

    expect(payloads).toEqual([
      { backfill: { from: '2026-01-01', to: '2026-11-30' } },
      { scheduledTime: '2026-11-23T02:30:00Z', date: '2026-11-22' },
    ]);
    expect(backfillEventSchema.safeParse(payloads[0]).success).toBe(true);
    expect(nightlyEventSchema.safeParse(payloads[1]).success).toBe(true);
    expect(digestEventSchema.safeParse(JSON.parse(digest ?? 'null')).success).toBe(true);
  });

  it('read only outputs the stack has', () => {
    const { stack } = createVigieApp({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const outputs = stack.node
      .findAll()
      .filter((c) => c instanceof CfnOutput)
      .map((c) => c.node.id);
    const read = [
      ...[...deploy.matchAll(/\$\(out (\w+)\)/g)].map((m) => m[1]),
      ...[...`${deploy}${aws}`.matchAll(/\.Vigie\.(\w+)/g)].map((m) => m[1]),
    ];
    const outputsTable = section(deploy, 'Deploying').split('### Stack outputs')[1] ?? '';
    const table = [...outputsTable.matchAll(/^\| `(\w+)`(?:, `(\w+)`)? \| (?!`)/gm)].flatMap((m) =>
      [m[1], m[2]].filter((id) => id !== undefined),
    );

    expect(read.length).toBeGreaterThan(5);
    for (const id of read) expect(outputs).toContain(id);
    expect([...table].sort()).toEqual([...outputs].sort());
  });
});

describe('the alarm table', () => {
  it('has a row for every alarm the stack creates, and no other', () => {
    const rows = [...section(deploy, 'When an alarm fires').matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);

    expect(rows.sort()).toEqual(Object.keys(ALARMS).sort());
  });
});
