/** `vigie preview`: renders an archived report.json to HTML (and MIME with --eml) without sending anything. */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../functions/cli/main.js';
import { weeklyDigest } from './weekly-digest-fixture.js';

let dir: string;
let reportPath: string;

/** Runs the command in-process and returns what it printed. */
async function vigie(...args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  await buildProgram(
    (l) => out.push(l),
    (l) => err.push(l),
  ).parseAsync(args, { from: 'user' });
  return { out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-preview-'));
  reportPath = join(dir, 'report.json');
  await writeFile(reportPath, JSON.stringify(weeklyDigest()));
});

describe('vigie preview', () => {
  it('writes the scorecard with its sparklines inlined as data: URIs, and says where', async () => {
    const file = join(dir, 'out', 'digest.html');
    const { out } = await vigie('preview', '--report', reportPath, '--out', file);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('Tableau de bord hebdomadaire');
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="112"/);
    expect(out.join('\n')).toContain('digest.html');
    expect(out.join('\n')).toContain('[Vigie] Tableau de bord de la semaine');
    // Nothing sent: no outbox, no send records beside it.
    expect(await readdir(dir)).toEqual(['out', 'report.json']);
  });

  it('renders a team-scoped scorecard in English, and its MIME with --eml', async () => {
    const file = join(dir, 'sud.html');
    const eml = join(dir, 'sud.eml');
    const { out } = await vigie(
      'preview',
      '--report',
      reportPath,
      '--locale',
      'en',
      '--recipient-scope',
      'team:Sud',
      '--out',
      file,
      '--eml',
      eml,
    );
    expect(await readFile(file, 'utf8')).toContain('Team Sud');
    const mail = await simpleParser(await readFile(eml));
    expect(mail.subject).toBe('[Vigie] Scorecard for the week of 16/11/2026 to 22/11/2026 — Team Sud');
    expect(mail.text).toContain('Team Sud');
    expect(out.join('\n')).toContain('sud.eml');
  });

  it('renders the report’s alert mail, and refuses an alert the report does not have', async () => {
    const file = join(dir, 'alert.html');
    const { out } = await vigie('preview', '--report', reportPath, '--template', 'alert', '--out', file);
    expect(out.join('\n')).toContain('subject  [Vigie] Le FCR a baissé de 2 points — Équipe Sud');
    expect(await readFile(file, 'utf8')).toContain('Équipe Sud');
    await expect(
      vigie('preview', '--report', reportPath, '--template', 'alert', '--alert', 'aht-rise', '--out', file),
    ).rejects.toThrow(/has no alert of rule aht-rise \(it has: fcr-drop\)/);
  });

  it('refuses a file that is not a report', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"period": 1}');
    await expect(vigie('preview', '--report', bad, '--out', join(dir, 'x.html'))).rejects.toThrow(
      /is not a Vigie report: period/,
    );
  });
});
