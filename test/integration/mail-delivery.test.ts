/**
 * deliverReport end to end on the embedded default (a local archive folder and an outbox): each
 * recipient's .eml parses with mailparser into text and HTML alternatives whose cid: pictures all
 * resolve to inline parts, with List-Unsubscribe, Message-ID and Date; team recipients get their
 * team; alert mails follow routing; a second delivery sends nothing again; the archive index lists
 * every report newest first.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import type { KpiEntry, Report } from '../../functions/engine/report-schema.js';
import { type Delivered, deliverReport } from '../../functions/pipeline/deliver.js';
import { stillBreachedCsat } from '../fixtures/reports.js';
import { weeklyDigest } from './weekly-digest-fixture.js';

const config = configFrom({
  mail: {
    from: 'vigie@example.com',
    recipients: [
      { email: 'direction@example.com', name: 'Élodie "Dir" Martin', locale: 'fr', alerts: true },
      { email: 'sud@example.com', locale: 'en', scopes: [{ team: 'Sud' }], alerts: ['fcr-drop'] },
      { email: 'nord@example.com', locale: 'fr', scopes: [{ team: 'Nord' }], alerts: true },
      { email: 'analyst@example.com', locale: 'en' }, // alerts: false by default
    ],
  },
  archive_url: 'https://reports.example.com/vigie/',
});

/**
 * The digest with one fired alert on team Sud (FCR 78 % → 76 %), and the centre's CSAT still below its
 * target (said in the scorecard, never mailed again).
 */
function report(): Report {
  const week = weeklyDigest();
  return {
    ...week,
    scopes: week.scopes.map((s) =>
      s.scope.value === 'Sud'
        ? { ...s, kpis: { ...s.kpis, fcr: { ...(s.kpis.fcr as KpiEntry), value: 0.76, previous: 0.78, delta: -2 } } }
        : s,
    ),
    alerts: [...week.alerts, stillBreachedCsat()],
  };
}

let out: string;
let first: Delivered;
let second: Delivered;
const mails = new Map<string, ParsedMail>();
const raws = new Map<string, string>();

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'vigie-deliver-'));
  const ports = {
    archive: new LocalFolderStore(out),
    mailer: new OutboxMailer(join(out, 'outbox')),
    clock: { now: () => new Date('2026-11-23T06:00:00Z') },
  };
  // An older report already archived, so the index has something to order.
  await ports.archive.put('reports/day/2026-11-21/report.json', '{}');
  const args = { report: report(), folder: 'reports/week/2026-W47', config, now: new Date('2026-11-23T06:00:00Z') };
  first = await deliverReport(ports, args);
  second = await deliverReport(ports, args);
  for (const file of await readdir(join(out, 'outbox'))) {
    const raw = await readFile(join(out, 'outbox', file));
    raws.set(file, raw.toString('latin1'));
    // keepCidLinks: by default mailparser swaps cid: links for data: URIs, hiding what the HTML refers to.
    mails.set(file, await simpleParser(raw, { keepCidLinks: true }));
  }
}, 120_000);

const to = (mail: ParsedMail): string => (mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : '') ?? '';
const byRecipient = (address: string, kind: 'scorecard' | 'alert'): ParsedMail[] =>
  [...mails].filter(([file, m]) => to(m) === address && file.includes(`-${kind}-`)).map(([, m]) => m);

describe('deliverReport', () => {
  it('sends one scorecard per recipient and one alert mail per routed recipient, once', () => {
    // 4 scorecards, and the fired alert to 2 recipients; the still-breached one is in the scorecard only.
    expect(first.mails).toHaveLength(6);
    expect(first.unsent).toEqual([]);
    // The second delivery finds every key sent: same locations, no new file.
    expect(second.mails).toEqual(first.mails);
    expect(mails.size).toBe(6);
    expect(second.unsent).toEqual([]);
    expect(byRecipient('direction@example.com', 'alert')).toHaveLength(1); // centre, alerts: true
    expect(byRecipient('sud@example.com', 'alert')).toHaveLength(1); // its team, its rule
    expect(byRecipient('nord@example.com', 'alert')).toHaveLength(0); // another team's alert
    expect(byRecipient('analyst@example.com', 'alert')).toHaveLength(0); // alerts: false (default)
  });

  it('records each send under sends/<key>/ (sendOnce), keyed by period, kind and recipient', async () => {
    const keys = await readdir(join(out, 'sends'));
    expect(keys).toHaveLength(6);
    for (const key of keys) {
      expect(key).toMatch(/^week-2026-11-16-(scorecard|alert-fcr-drop-team-sud-[0-9a-f]{8})-[0-9a-f]{12}$/);
      expect(await readdir(join(out, 'sends', key))).toContain('sent.json');
    }
  });

  it('builds messages with text and HTML, resolvable cid: pictures, List-Unsubscribe, Message-ID and Date', () => {
    for (const [file, mail] of mails) {
      expect(mail.text, file).toBeTruthy();
      expect(typeof mail.html === 'string' && mail.html.length > 1000, file).toBe(true);
      expect(mail.messageId, file).toMatch(/^<(day|week|month)-2026-11-16-(scorecard|alert)-[^@\s]+@vigie>$/);
      expect(mail.date?.toISOString(), file).toBe('2026-11-23T06:00:00.000Z');
      // Long headers are folded onto continuation lines; unfold them to read each as one line.
      const head = ((raws.get(file) ?? '').split('\r\n\r\n')[0] ?? '').replace(/\r\n[ \t]+/g, ' ');
      expect(head, file).toMatch(
        /^List-Unsubscribe: <mailto:vigie@example\.com\?subject=unsubscribe%20(scorecard|alerts)%20[0-9a-f]{12}>, <https:\/\/reports\.example\.com\/vigie\/unsubscribe\?list=(scorecard|alerts)&recipient=[0-9a-f]{12}>$/m,
      );
      expect(head, file).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      expect(head, file).toMatch(/^Subject: =\?UTF-8\?/m);
      // From names the centre ("Vigie — <centre>"), encoded for the dash: a header stays ASCII.
      expect(mail.from?.value[0], file).toEqual({
        name: 'Vigie — Centre de relation client',
        address: 'vigie@example.com',
      });
      expect(head, file).toMatch(/^From: (=\?UTF-8\?[BQ]\?[^?]+\?= ?)+<vigie@example\.com>$/m);
      const cids = [...(mail.html || '').matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
      if (file.includes('-scorecard-') && to(mail) === 'direction@example.com') expect(cids.length).toBeGreaterThan(30);
      const attached = new Set(mail.attachments.map((a) => a.cid));
      for (const cid of cids) expect(attached.has(cid), `${file}: cid:${cid}`).toBe(true);
      for (const a of mail.attachments) {
        expect(a.contentType).toBe('image/png');
        expect(a.contentDisposition).toBe('inline');
        expect(cids).toContain(a.cid);
      }
    }
  });

  it('embeds the centre scorecard’s sparklines and keeps the mail light', () => {
    const [centre] = byRecipient('direction@example.com', 'scorecard');
    const pictures = centre?.attachments ?? [];
    const bytes = pictures.reduce((n, a) => n + a.size, 0);
    console.info(`centre scorecard: ${pictures.length} inline sparklines, ${bytes} bytes of PNG`);
    expect(pictures.length).toBeGreaterThan(30);
    expect(bytes).toBeLessThan(30_000);
    expect(centre?.subject).toBe(
      '[Vigie] Tableau de bord de la semaine du 16/11/2026 au 22/11/2026 — Centre de relation client — Lyon Part-Dieu',
    );
    expect(centre?.to && !Array.isArray(centre.to) ? centre.to.value[0]?.name : null).toBe('Élodie Dir Martin');
  });

  it('gives a team recipient their team’s digest in their language, and the alert of their team', () => {
    const [scorecard] = byRecipient('sud@example.com', 'scorecard');
    expect(scorecard?.subject).toBe('[Vigie] Scorecard for the week of 16/11/2026 to 22/11/2026 — Team Sud');
    expect(scorecard?.html).toContain('Team Sud');
    expect(scorecard?.html).not.toContain('Team Nord');
    expect(scorecard?.attachments).toEqual([]);
    const [alert] = byRecipient('sud@example.com', 'alert');
    expect(alert?.subject).toBe('[Vigie] FCR fell by 2 points — Team Sud');
    const [centreAlert] = byRecipient('direction@example.com', 'alert');
    expect(centreAlert?.subject).toBe('[Vigie] Le FCR a baissé de 2 points — Équipe Sud');
  });

  it('archives the report, its CSV, the pictures, a scorecard page per locale and the sent .eml copies', async () => {
    const folder = join(out, 'reports', 'week', '2026-W47');
    const files = await readdir(folder);
    expect(files).toEqual(
      expect.arrayContaining(['report.json', 'kpis.csv', 'scorecard.fr.html', 'scorecard.en.html', 'sparklines']),
    );
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(6);
    const page = await readFile(join(folder, 'scorecard.fr.html'), 'utf8');
    const srcs = [...page.matchAll(/src="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(srcs.length).toBeGreaterThan(30);
    const pictures = new Set(await readdir(join(folder, 'sparklines')));
    for (const src of srcs) {
      expect(src).toMatch(/^sparklines\/[0-9a-f]{16}\.png$/);
      expect(pictures.has(src.slice('sparklines/'.length))).toBe(true);
    }
    expect(page).toContain('href="https://reports.example.com/vigie/reports/week/2026-W47/report.json"');
    // Each KPI links to its definition on the page written beside the archive.
    expect(page).toContain('href="../../definitions.fr.html#kpi-fcr"');
    const glossary = await readFile(join(out, 'reports', 'definitions.fr.html'), 'utf8');
    expect(glossary).toContain('id="kpi-fcr"');
    expect(glossary).toContain('<code>resolved_first_contact</code>');
    expect(await readFile(join(out, 'reports', 'definitions.en.html'), 'utf8')).toContain('id="kpi-service_level"');
    // The mail links the definitions on the web archive from its footer.
    const [centre] = byRecipient('direction@example.com', 'scorecard');
    expect(centre?.html).toContain('href="https://reports.example.com/vigie/reports/definitions.fr.html"');
  });

  it('writes kpis.csv in the first recipient’s language: French, so a BOM and ";"', async () => {
    const csv = await readFile(join(out, 'reports', 'week', '2026-W47', 'kpis.csv'), 'utf8');
    expect(csv.startsWith('\ufeffdimension;scope;kpi;name;value;unit;')).toBe(true);
    expect(csv).toContain('\r\nall;;fcr;Résolution au premier contact (FCR);74,0;%;75,0;76,0;-2,0;pts;;warning;');
  });

  it('rebuilds the archive index: every report, newest first, with relative links', async () => {
    const index = await readFile(join(out, 'reports', 'index.html'), 'utf8');
    expect(first.index).toBe(join(out, 'reports', 'index.html'));
    expect(index).toContain('<html lang="fr">');
    expect(index).toContain('href="week/2026-W47/scorecard.en.html"');
    expect(index).toContain('href="week/2026-W47/scorecard.fr.html"');
    expect(index).toContain('href="week/2026-W47/kpis.csv"');
    expect(index).toContain('href="day/2026-11-21/report.json"');
    expect(index.indexOf('Rapports quotidiens')).toBeGreaterThan(0);
  });
});
