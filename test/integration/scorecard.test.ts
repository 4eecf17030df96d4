import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer, outboxFileStem } from '../../functions/adapters/outbox.js';
import { KPI_IDS, kpiById } from '../../functions/engine/catalogue.js';
import type { Report } from '../../functions/engine/report-schema.js';
import { TEMPLATES_DIR } from '../../functions/render/locale.js';
import { composeMail, MailHeaderError } from '../../functions/render/mail.js';
import {
  MjmlValidationError,
  mjmlToHtml,
  renderScorecard,
  ScorecardOptionsError,
} from '../../functions/render/scorecard.js';
import {
  CENTRE,
  EMOJI_COMMENT,
  HOSTILE_REASON,
  HOSTILE_TEAM,
  LONG_COMMENT,
  NULL_KPIS,
  RTL_COMMENT,
  reportDay,
} from '../fixtures/report-day.js';
import { reportAlert } from '../fixtures/reports.js';

type Rendered = Awaited<ReturnType<typeof renderScorecard>>;

/** Visible text of an HTML fragment, spaces normalised (Intl uses no-break spaces). */
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

let report: Report;
let fr: Rendered;
let en: Rendered;

beforeAll(async () => {
  report = reportDay();
  // Rendering throws on any MJML validation error (strict), so these two renders are the first check.
  [fr, en] = await Promise.all([
    renderScorecard(report, { locale: 'fr', archiveUrl: 'https://archive.example.com/day/2026-11-23/report.json' }),
    renderScorecard(report, { locale: 'en' }),
  ]);
});

describe('the fixture', () => {
  it('holds every KPI of the catalogue in every scope', () => {
    for (const scope of report.scopes) expect(Object.keys(scope.kpis)).toEqual([...KPI_IDS]);
  });
});

describe('renderScorecard', () => {
  it('renders strict-valid MJML to a complete HTML document in both languages', () => {
    for (const { html } of [fr, en]) {
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('</html>');
    }
    expect(fr.html).toContain('lang="fr"');
    expect(en.html).toContain('lang="en"');
  });

  it('stays under the size at which Gmail clips a message', () => {
    expect(Buffer.byteLength(fr.html)).toBeLessThan(102_000);
  });

  it('writes the subject with the local date and the centre', () => {
    expect(fr.subject).toBe(`[Vigie] Tableau de bord du 23/11/2026 — ${CENTRE}`);
    expect(en.subject).toBe(`[Vigie] Scorecard for 23/11/2026 — ${CENTRE}`);
  });

  it('states the period and the centre time zone in the header', () => {
    expect(fr.html).toContain('Journée du lundi 23 novembre 2026');
    expect(fr.html).toContain('Europe/Paris');
    expect(en.html).toContain('Monday, 23 November 2026');
  });

  it('escapes every user-supplied string (team, reason, comment)', () => {
    for (const { html } of [fr, en]) {
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<b>20 min</b>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(html).toContain('Attente interminable &lt;b&gt;20 min&lt;/b&gt; &amp; rien.');
    }
  });

  it('keeps RTL and emoji comments intact, and shortens a 5,000-character one', () => {
    expect(fr.html).toContain(RTL_COMMENT);
    expect(fr.html).toContain(EMOJI_COMMENT);
    expect(fr.html).toContain('dir="auto"');
    expect(fr.html).not.toContain(LONG_COMMENT);
    expect(fr.html).toContain(`${LONG_COMMENT.slice(0, 200)}`);
  });

  it('shows a null KPI as "pas de données" / "no data", never 0 or NaN', () => {
    const esat = kpiById('esat');
    expect(report.scopes[0]?.kpis.esat?.value).toBeNull();
    expect(NULL_KPIS).toContain('esat');
    const cellAfter = (name = '', shown = ''): RegExp =>
      new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</td>\\s*<td[^>]*><strong>${shown}</strong>`);
    expect(fr.html).toMatch(cellAfter(esat?.name.fr, 'pas de données'));
    expect(en.html).toMatch(cellAfter(esat?.name.en, 'no data'));
    expect(fr.html).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('shows status as a word and symbol, not only as a colour', () => {
    expect(fr.html).toContain('⚠ Vigilance');
    expect(fr.html).toContain('✕ Hors objectif');
    expect(fr.html).toContain('✓ OK');
    expect(en.html).toContain('✕ Off target');
  });

  it('colours and words a change by what it means for the KPI: handling time down is better, answer rate down worse', () => {
    // AHT 197.5 s → 185.2 s: a fall of a lower-is-better KPI; answer rate 89.3 % → 87.3 %: a fall of a higher-is-better one.
    const cellOf = (name: string): string => {
      const start = fr.html.indexOf(`class="vg-n">${name}`);
      return fr.html.slice(start, fr.html.indexOf('</tr>', start));
    };
    expect(plain(cellOf('Durée moyenne de traitement (DMT)'))).toMatch(
      /<span class="vg-better">−12 s \(−6,2 %\)<br><small>mieux<\/small>/,
    );
    expect(plain(cellOf('Taux de décroché'))).toMatch(/<span class="vg-worse">−2,0 pts<br><small>moins bien<\/small>/);
    expect(en.html).toContain('<small>better</small>');
  });

  it('shows headline values, targets and changes in points', () => {
    const html = plain(fr.html);
    expect(html).toContain('87,3 %');
    expect(html).toContain('objectif 90,0 %');
    expect(html).toContain('−2,0 pts');
    expect(html).toContain('veille : 89,3 %');
    expect(html).toContain('3 min 05 s');
    expect(html).toContain('−12 s (−6,2 %)');
    expect(html).toContain('+32');
  });

  it('lists breakdowns with counts and shares, naming known channels', () => {
    const html = plain(fr.html);
    expect(html).toMatch(/Téléphone<\/td>\s*<td[^>]*>1 845<\/td>\s*<td[^>]*>67,5 %<\/td>/);
    expect(html).toContain('Facturation');
    expect(html).toContain('délai 😡');
  });

  it('has a section per team with its headline KPIs', () => {
    expect(fr.html).toContain('Par équipe');
    expect(fr.html).toContain('Équipe Nord');
    expect(plain(fr.html)).toContain('−12'); // Nord's NPS
    expect(fr.html).not.toContain('Particuliers'); // queues are not listed in the team section
  });

  it('lists verbatims lowest score first, without naming the agent', () => {
    const order = [RTL_COMMENT, LONG_COMMENT.slice(0, 40), 'Attente interminable', EMOJI_COMMENT, 'Simple et rapide.'];
    const positions = order.map((text) => fr.html.indexOf(text.replaceAll('&', '&amp;')));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(fr.html).not.toContain('Léa M.');
  });

  it('says what was rejected, per export kind and reason, in words, with what to do; and writes the footer', () => {
    // The fixture: 205 of 800 tickets rejected (25.6 %), 7 of 2,950 contacts (0.2 %).
    const html = plain(fr.html);
    expect(html).toContain('Qualité des données');
    expect(html).toContain('Tickets : 205 rejets sur 800 (25,6 %)');
    expect(html).toContain('ligne qui n’est pas du JSON : 200');
    expect(html).toContain('champ obligatoire absent (created_at) : 5');
    expect(html).toContain('Contacts : 7 rejets sur 2 950 (0,2 %)');
    expect(html).toContain('durée ou nombre négatif (talk_s) : 4');
    expect(html).toContain('Ligne qui n’est pas du JSON : ligne tronquée ou mal échappée');
    expect(html).toContain('Que faire : corrigez l’export à la source');
    expect(plain(en.html)).toContain('Tickets: 205 rejected of 800 (25.6%)');
    expect(plain(en.text)).toContain('required field missing (created_at): 5');
    // Beyond 2 % of a kind, a banner says so before anything else; 0.2 % of contacts does not.
    expect(html).toContain('⚠ Données à vérifier : 25,6 % de rejets parmi les tickets.');
    expect(html.indexOf('Données à vérifier')).toBeLessThan(html.indexOf('Ce qui a changé'));
    expect(html).not.toContain('de rejets parmi les contacts');
    expect(fr.html).toContain('Généré par Vigie le 24 novembre 2026 à 02:15');
    expect(fr.html).toContain('href="https://archive.example.com/day/2026-11-23/report.json"');
  });

  it('produces a plain-text part with KPI names and unescaped text', () => {
    expect(fr.text.length).toBeGreaterThan(500);
    expect(fr.text).toContain('Taux de décroché');
    expect(fr.text).toContain('pas de données');
    expect(fr.text).toContain(`Équipe ${HOSTILE_TEAM}`);
    expect(fr.text).toContain(HOSTILE_REASON);
    expect(en.text).toContain('Answer rate');
    expect(fr.text).not.toMatch(/&lt;|&amp;|NaN|undefined/);
  });

  it('renders weeks and months, and a day with no comment or reject', async () => {
    const week: Report = {
      ...report,
      period: { kind: 'week', start: '2026-11-16', end: '2026-11-22', timezone: 'Europe/Paris' },
      verbatims: [],
      rejects: { count: 0, by_reason: {}, by_kind: {} },
    };
    const month: Report = {
      ...report,
      period: { ...week.period, kind: 'month', start: '2026-11-01', end: '2026-11-30' },
    };
    const [w, m] = await Promise.all([
      renderScorecard(week, { locale: 'fr' }),
      renderScorecard(month, { locale: 'en' }),
    ]);
    expect(w.subject).toBe(`[Vigie] Tableau de bord de la semaine du 16/11/2026 au 22/11/2026 — ${CENTRE}`);
    expect(w.html).toContain('Semaine du lundi 16 novembre 2026 au dimanche 22 novembre 2026');
    expect(w.html).toContain('Aucun commentaire client sur la période.');
    // Nothing rejected, no day missing: no data-quality block, no banner.
    expect(w.html).not.toContain('Qualité des données');
    expect(w.html).not.toContain('Données à vérifier');
    expect(w.html).toContain('semaine précédente');
    expect(m.subject).toBe(`[Vigie] Scorecard for November 2026 — ${CENTRE}`);
  });

  it('keeps the subject on one line whatever the centre is called', async () => {
    const odd = await renderScorecard({ ...report, centre: 'Lyon\r\nBcc: x@example.com' }, { locale: 'fr' });
    expect(odd.subject).toBe('[Vigie] Tableau de bord du 23/11/2026 — Lyon Bcc: x@example.com');
  });

  it('refuses an archive link that is not a web address', async () => {
    await expect(renderScorecard(report, { locale: 'fr', archiveUrl: 'javascript:alert(1)' })).rejects.toThrow(
      ScorecardOptionsError,
    );
  });

  it('lists MJML validation errors in a typed error', async () => {
    const bad = '<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>';
    const error = await mjmlToHtml(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MjmlValidationError);
    expect((error as MjmlValidationError).issues).toEqual([
      expect.objectContaining({ tagName: 'mj-text', message: expect.stringContaining('mj-section') }),
    ]);
  });

  it('uses no unescaped output in the MJML templates', async () => {
    const dirs = [TEMPLATES_DIR, new URL('partials/', TEMPLATES_DIR)];
    for (const dir of dirs) {
      for (const file of await readdir(dir)) {
        if (!file.endsWith('.mjml.hbs')) continue;
        expect(await readFile(new URL(file, dir), 'utf8'), file).not.toMatch(/\{\{\{|\{\{&/);
      }
    }
  });
});

describe('composeMail', () => {
  const input = () => ({
    from: '"Vigie" <vigie@example.com>',
    to: ['"Élodie Martin" <elodie@example.com>'],
    subject: fr.subject,
    html: fr.html,
    text: fr.text,
    messageId: '<day-2026-11-23.scorecard.abc123@vigie>',
    date: new Date('2026-11-24T01:15:07Z'),
    listUnsubscribe: ['mailto:vigie@example.com?subject=unsubscribe'],
  });

  it('builds a message that parses into HTML and text with the accented subject, Message-ID and Date', async () => {
    // Act
    const raw = await composeMail(input());
    const mail = await simpleParser(Buffer.from(raw));
    // Assess
    expect(mail.subject).toBe(fr.subject);
    expect(mail.messageId).toBe('<day-2026-11-23.scorecard.abc123@vigie>');
    expect(mail.date?.toISOString()).toBe('2026-11-24T01:15:07.000Z');
    expect(mail.html).toContain('Journée du lundi 23 novembre 2026');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('Taux de décroché');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : null).toBe('Élodie Martin');
    // Headers are ASCII: the subject travels as an encoded word.
    const head = Buffer.from(raw).toString('latin1').split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^List-Unsubscribe: <mailto:vigie@example\.com\?subject=unsubscribe>$/m);
    expect(head).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(head).toMatch(/^Content-Type: multipart\/alternative/m);
  });

  it.each([
    ['subject', { subject: 'Bonjour\r\nBcc: victim@example.com' }],
    ['to[0]', { to: ['a@example.com\nBcc: victim@example.com'] }],
    ['from', { from: 'Vigie\n <vigie@example.com>' }],
    ['from', { from: { name: 'Vigie — Lyon\r\nBcc: victim@example.com', address: 'vigie@example.com' } }],
    ['messageId', { messageId: '<a@b>\r\nX-Evil: 1' }],
  ])('refuses a line break in %s (header injection)', async (field, override) => {
    const error = await composeMail({ ...input(), ...override }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailHeaderError);
    expect((error as MailHeaderError).field).toBe(field);
  });
});

describe('OutboxMailer', () => {
  const mail = (raw: string, key = 'day-2026-11-23-scorecard-1a2b3c') => ({
    key,
    from: 'vigie@example.com',
    to: ['lead@example.com'],
    subject: 'x',
    raw: new TextEncoder().encode(raw),
  });

  it('writes <key>.eml once: a second send with the same key keeps the first file', async () => {
    // Prepare
    const dir = join(await mkdtemp(join(tmpdir(), 'vigie-outbox-')), 'nested', 'outbox');
    const outbox = new OutboxMailer(dir);
    // Act
    const first = await outbox.send(mail('first'));
    const second = await outbox.send(mail('second'));
    // Assess
    expect(first.location).toBe(join(dir, 'day-2026-11-23-scorecard-1a2b3c.eml'));
    expect(second.location).toBe(first.location);
    expect(await readFile(first.location, 'utf8')).toBe('first');
    expect(await readdir(dir)).toEqual(['day-2026-11-23-scorecard-1a2b3c.eml']);
  });

  it('turns any key into a safe file name inside the outbox', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-outbox-'));
    const outbox = new OutboxMailer(dir);
    const { location } = await outbox.send(mail('x', '../../etc/passwd'));
    expect(location.startsWith(`${dir}/`)).toBe(true);
    expect((await stat(location)).isFile()).toBe(true);
    expect(outboxFileStem('a/b')).not.toBe(outboxFileStem('a:b'));
    expect(outboxFileStem('.hidden')).not.toMatch(/^\./);
    expect(outboxFileStem('x'.repeat(500)).length).toBeLessThan(140);
    expect(() => outboxFileStem('')).toThrow(RangeError);
  });
});

describe('notices before the figures', () => {
  it('shows alerts (escaped) in the reader’s language, days without data and revised days, in fr and en', async () => {
    const base = reportDay();
    const noticed: Report = {
      ...base,
      alerts: [
        reportAlert({ scope: { dimension: 'team', value: HOSTILE_TEAM } }),
        reportAlert({
          kpi: 'csat',
          rule: 'csat-target',
          kind: 'recovered',
          type: 'below_target',
          value: 0.86,
          previous: 0.84,
          target: 0.85,
          threshold: null,
          delta: 2,
        }),
      ],
      missing_days: ['2026-11-21', '2026-11-22'],
      revised: ['2026-11-20'],
    };
    const fr = await renderScorecard(noticed, { locale: 'fr' });
    expect(plain(fr.html)).toContain('Le FCR a baissé de 2 points, à 76 %');
    expect(fr.html).not.toContain('<script>alert(1)</script>');
    expect(fr.html).toContain('[Équipe &lt;script&gt;alert(1)&lt;/script&gt;]');
    expect(plain(fr.html)).toContain('Jours sans données : 21/11/2026, 22/11/2026');
    expect(plain(fr.text)).toContain(`! [Équipe ${HOSTILE_TEAM}] Le FCR a baissé de 2 points`);
    expect(plain(fr.text)).toContain('✓ La CSAT est revenue au-dessus de l’objectif : 86 % (objectif 85 %)');
    expect(plain(fr.text)).toContain('Révisé : les chiffres du 20/11/2026 ont changé');
    const en = await renderScorecard(noticed, { locale: 'en' });
    expect(en.text).toContain('Days without data: 21/11/2026, 22/11/2026');
    expect(plain(en.text)).toContain('✓ CSAT is back above target: 86% (target 85%)');
    // Days without data are said at the top too.
    expect(plain(fr.html)).toContain('2 jours sans données');
    // Without any notice, there is nothing to say about missing days.
    expect((await renderScorecard(base, { locale: 'fr' })).html).not.toContain('Jours sans données');
  });
});
