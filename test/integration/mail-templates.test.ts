/**
 * Every mail template × locale rendered through strict MJML validation (any issue throws
 * MjmlValidationError), the text part pinned by a snapshot, the weight of a 20-team weekly digest,
 * team scoping, alert mails, sparklines as pictures with their numbers, and hostile input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { alertRulesSchema, EXAMPLE_ALERT_RULES } from '../../functions/engine/alerts.js';
import type { KpiEntry, Report, ReportAlert } from '../../functions/engine/report-schema.js';
import { renderAlert, renderScorecard } from '../../functions/render/scorecard.js';
import { cidOf, type ReportSparklines, reportSparklines, sparklineSource } from '../../functions/render/sparklines.js';
import { HOSTILE_TEAM, LONG_COMMENT, RTL_COMMENT, reportDay } from '../fixtures/report-day.js';
import { reportAlert, stillBreachedCsat } from '../fixtures/reports.js';
import { TEAMS, weeklyDigest } from './weekly-digest-fixture.js';

const LOCALES = ['fr', 'en'] as const;
const rules = alertRulesSchema.parse(EXAMPLE_ALERT_RULES);
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

/** A report whose KPI entry of one scope is replaced. */
function withEntry(
  report: Report,
  dimension: 'all' | 'team',
  value: string | null,
  kpi: string,
  entry: Partial<KpiEntry>,
): Report {
  return {
    ...report,
    scopes: report.scopes.map((s) =>
      s.scope.dimension === dimension && s.scope.value === value
        ? { ...s, kpis: { ...s.kpis, [kpi]: { ...(s.kpis[kpi] as KpiEntry), ...entry } } }
        : s,
    ),
  };
}

const week: Report = weeklyDigest();
let pictures: ReportSparklines;
const cid = () => sparklineSource(pictures, (i) => `cid:${cidOf(i)}`);

beforeAll(async () => {
  pictures = await reportSparklines(week);
}, 60_000);

describe('every template in every locale passes strict MJML validation', () => {
  const day = reportDay();
  const month: Report = { ...day, period: { ...day.period, kind: 'month', start: '2026-11-01', end: '2026-11-30' } };
  it.each(LOCALES)('%s: daily, weekly and monthly scorecards, a team digest, and alert mails', async (locale) => {
    // renderScorecard and renderAlert validate with validationLevel 'strict' and throw on any issue.
    const renders = await Promise.all([
      renderScorecard(day, { locale }),
      renderScorecard(week, { locale, sparkline: cid() }),
      renderScorecard(month, { locale }),
      renderScorecard(week, { locale, scopes: [{ team: 'Sud' }] }),
      renderScorecard(week, { locale, scopes: ['centre', { queue: 'Particuliers' }] }),
      renderAlert(
        week,
        { kpi: 'fcr', scope: { dimension: 'team', value: 'Sud' }, rule: 'fcr-drop', message: 'x' },
        { locale, rules },
      ),
      renderAlert(
        week,
        { kpi: 'csat', scope: { dimension: 'all', value: null }, rule: 'csat-target', message: 'x' },
        {
          locale,
          rules,
          sparkline: cid(),
        },
      ),
    ]);
    for (const r of renders) {
      expect(r.html).toMatch(/^<!doctype html>/i);
      expect(r.html).toContain(`lang="${locale}"`);
      expect(r.html).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
      expect(r.text).not.toMatch(/NaN|undefined|&lt;|&amp;/);
    }
  });
});

describe('the text part', () => {
  it.each(LOCALES)('of the %s weekly digest matches its snapshot', async (locale) => {
    const { text } = await renderScorecard(week, { locale, sparkline: cid() });
    expect(text).toMatchSnapshot();
  });

  it('of an alert mail matches its snapshot', async () => {
    const report = withEntry(week, 'team', 'Sud', 'fcr', { value: 0.76, previous: 0.78, delta: -2 });
    const alert = { kpi: 'fcr', scope: { dimension: 'team' as const, value: 'Sud' }, rule: 'fcr-drop', message: 'x' };
    const [fr, en] = await Promise.all(LOCALES.map((locale) => renderAlert(report, alert, { locale, rules })));
    expect({ fr: fr?.text, en: en?.text }).toMatchSnapshot();
  });
});

describe('the weekly digest of 20 teams × every KPI', () => {
  it.each(LOCALES)('weighs under 85 KB of HTML in %s, sparklines included', async (locale) => {
    const { html } = await renderScorecard(week, { locale, sparkline: cid() });
    const bytes = Buffer.byteLength(html);
    const png = pictures.images.reduce((n, i) => n + i.png.byteLength, 0);
    console.info(
      `weekly digest (${locale}): ${bytes} bytes of HTML, ${pictures.images.length} sparklines, ${png} bytes of PNG`,
    );
    for (const team of TEAMS) expect(html).toContain(team);
    expect(bytes).toBeLessThan(85_000);
  });

  it('keeps its pictures light: under 1 KB a sparkline, under 30 KB in all', () => {
    const sizes = pictures.images.map((i) => i.png.byteLength);
    expect(sizes.length).toBeGreaterThan(30);
    expect(Math.max(...sizes)).toBeLessThan(1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(30_000);
  });
});

describe('sparklines in the scorecard', () => {
  it('shows each as an <img> with its size and its numbers in the alt text', async () => {
    const { html } = await renderScorecard(week, { locale: 'fr', sparkline: cid() });
    const fcr = pictures.image('fcr', 'tile');
    expect(fcr).not.toBeNull();
    const tag = new RegExp(
      `<img src="cid:${fcr === null ? 'none' : cidOf(fcr)}" width="112" height="28" alt="([^"]+)"`,
    );
    const alt = plain(tag.exec(html)?.[1] ?? '');
    expect(alt).toMatch(/^Résolution au premier contact \(FCR\), 12 dernières semaines : \d/);
    expect(alt).toContain('pas de données'); // the week without data
    expect(alt.split(', ').length).toBeGreaterThanOrEqual(12);
    // Rows show the same picture, smaller: one attachment per series.
    expect(html).toContain(`<img src="cid:${fcr === null ? 'none' : cidOf(fcr)}" width="72" height="18"`);
    expect(html).toMatch(
      /<img src="cid:spark-[0-9a-f]{16}@vigie" width="72" height="18" alt="Appels présentés, 12 dernières semaines/,
    );
  });

  it('leaves a team digest without the centre’s trend, and a report without series without pictures', async () => {
    const team = await renderScorecard(week, { locale: 'fr', scopes: [{ team: 'Sud' }], sparkline: cid() });
    expect(team.html).not.toContain('<img');
    const none = await reportSparklines(reportDay());
    expect(none.images).toEqual([]);
  });
});

describe('team scoping', () => {
  it('gives a team manager their team only: its name, its headline values, no other team', async () => {
    const [fr, en] = await Promise.all(
      LOCALES.map((locale) => renderScorecard(week, { locale, scopes: [{ team: 'Sud' }] })),
    );
    expect(fr?.subject).toBe('[Vigie] Tableau de bord de la semaine du 16/11/2026 au 22/11/2026 — Équipe Sud');
    expect(en?.subject).toBe('[Vigie] Scorecard for the week of 16/11/2026 to 22/11/2026 — Team Sud');
    expect(fr?.html).toContain('Équipe Sud');
    // Some team names are also ordinary words of the mail ("Ventes" is a KPI family, "Chat" a channel):
    // what must not appear is another team named as a team.
    for (const other of TEAMS.filter((t) => t !== 'Sud')) {
      expect(fr?.html).not.toContain(`Équipe ${other}`);
      expect(fr?.text).not.toContain(`Équipe ${other}`);
      expect(en?.html).not.toContain(`Team ${other}`);
    }
    expect(fr?.html).not.toContain('Par équipe');
    // Sud's own answer rate (centre 87,3 % × 0,97), not the centre's.
    expect(plain(fr?.html ?? '')).toContain('84,7 %');
    expect(plain(fr?.html ?? '')).not.toContain('87,3 %');
    // The alert of team Sud is in its notices, in the reader's language; verbatims of other teams are not.
    expect(plain(fr?.html ?? '')).toContain('[Équipe Sud] Le FCR a baissé de 2 points, à 76 %');
    expect(plain(en?.html ?? '')).toContain('[Team Sud] FCR fell by 2 points, to 76%');
  });

  it('gives a centre manager a section per team, and only the verbatims of the team to a team', async () => {
    const centre = await renderScorecard(week, { locale: 'fr' });
    expect(centre.html).toContain('Par équipe');
    for (const team of TEAMS) expect(centre.html).toContain(`Équipe ${team.replaceAll("'", '&#x27;')}`);
    const nord = await renderScorecard(week, { locale: 'fr', scopes: [{ team: 'Nord' }] });
    expect(nord.html).toContain('Simple et rapide.'); // Nord's comment
    expect(nord.html).not.toContain('Attente interminable'); // a comment without a team
    expect(nord.html).not.toContain('&lt;script&gt;'); // the hostile team's comment and name
  });

  it('reads "pas de données" for a team the report does not have', async () => {
    const ghost = await renderScorecard(week, { locale: 'fr', scopes: [{ team: 'Ouest' }] });
    expect(ghost.subject).toContain('— Équipe Ouest');
    expect(ghost.html).toContain('pas de données');
    expect(ghost.html).not.toMatch(/NaN|undefined/);
  });
});

describe('alert mails', () => {
  const sudDrop = withEntry(week, 'team', 'Sud', 'fcr', { value: 0.76, previous: 0.78, delta: -2 });
  const [fired] = week.alerts;
  if (fired === undefined) throw new Error('the weekly fixture lost its alert');

  it('name the KPI, the change and the scope in the subject, in French and English', async () => {
    const [fr, en] = await Promise.all(LOCALES.map((locale) => renderAlert(sudDrop, fired, { locale, rules })));
    expect(fr?.subject).toBe('[Vigie] Le FCR a baissé de 2 points — Équipe Sud');
    expect(en?.subject).toBe('[Vigie] FCR fell by 2 points — Team Sud');
    expect(fr?.kind).toBe('fired');
    expect(plain(fr?.html ?? '')).toContain('Le FCR a baissé de 2 points, à 76 %');
    expect(plain(fr?.html ?? '')).toContain(
      'Règle « fcr-drop » : se déclenche sur une dégradation d’au moins 2 points',
    );
    expect(plain(fr?.html ?? '')).toContain('76,0 %');
    expect(plain(fr?.text ?? '')).toContain('semaine précédente : 78,0 %');
  });

  it('word a recovery as a notice ("… est revenue au-dessus de l’objectif")', async () => {
    const back = withEntry(week, 'all', null, 'csat', { value: 0.91, target: 0.9, status: 'ok' });
    const csat = reportAlert({
      kpi: 'csat',
      rule: 'csat-target',
      kind: 'recovered',
      type: 'below_target',
      value: 0.91,
      previous: 0.88,
      target: 0.9,
      threshold: null,
      delta: 3,
    });
    const [fr, en] = await Promise.all(
      LOCALES.map((locale) => renderAlert(back, csat, { locale, rules, sparkline: cid() })),
    );
    expect(fr?.kind).toBe('recovered');
    expect(fr?.subject).toBe(`[Vigie] La CSAT est revenue au-dessus de l’objectif — ${week.centre}`);
    expect(en?.subject).toBe(`[Vigie] CSAT is back above target — ${week.centre}`);
    expect(fr?.html).toContain('Fin d’alerte');
    // A centre alert shows the centre's trend.
    expect(fr?.html).toMatch(/<img src="cid:spark-[0-9a-f]+@vigie" width="112" height="28" alt="Satisfaction client/);
  });

  it('take the kind and numbers from the alert, not from the period’s figures', async () => {
    // The report's figures say CSAT is fine now; the alert says it recovered: the mail believes the alert.
    const csat = stillBreachedCsat();
    const fr = await renderAlert(week, csat, { locale: 'fr', rules });
    expect(fr.kind).toBe('still_breached');
    expect(plain(fr.subject)).toBe(`[Vigie] La CSAT est toujours sous l’objectif — ${week.centre}`);
    expect(plain(fr.text)).toContain('La CSAT est toujours sous l’objectif : 80 % (objectif 90 %)');
  });

  it('read an alert archived before alerts carried their kind as fired, typed by its rule', async () => {
    const old: ReportAlert = { kpi: 'fcr', scope: { dimension: 'team', value: 'Sud' }, rule: 'fcr-drop', message: 'x' };
    const en = await renderAlert(sudDrop, old, { locale: 'en', rules });
    expect(en.kind).toBe('fired');
    expect(en.subject).toBe('[Vigie] FCR fell by 2 points — Team Sud');
  });

  it('word a rule on rejected records without a KPI table', async () => {
    const rejects = reportAlert({
      kpi: 'reject_share',
      rule: 'reject-share',
      type: 'reject_share',
      value: 0.5,
      previous: null,
      delta: null,
      source: 'tickets',
      count: 405,
      total: 810,
    });
    const fr = await renderAlert(week, rejects, { locale: 'fr', rules });
    expect(plain(fr.subject)).toBe(
      `[Vigie] Rejets : 50 % des tickets (405 sur 810), au-delà du seuil de 2 % — ${week.centre}`,
    );
    expect(plain(fr.html)).toContain('se déclenche quand plus de 2 % des enregistrements d’un type sont rejetés');
    expect(fr.html).not.toContain('<caption');
  });
});

describe('hostile input', () => {
  it('is escaped in HTML, kept readable in text, and cut where it would flood the mail', async () => {
    const report: Report = {
      ...week,
      centre: 'Lyon "><img src=x onerror=alert(1)>',
      scopes: [...week.scopes, { scope: { dimension: 'team', value: HOSTILE_TEAM }, kpis: week.scopes[1]?.kpis ?? {} }],
      alerts: [
        { kpi: 'fcr', scope: { dimension: 'team', value: HOSTILE_TEAM }, rule: 'fcr-drop', message: '<b>x</b>' },
      ],
    };
    const digest = await renderScorecard(report, { locale: 'fr', sparkline: cid() });
    const team = await renderScorecard(report, { locale: 'fr', scopes: [{ team: HOSTILE_TEAM }] });
    const [hostile] = report.alerts;
    if (hostile === undefined) throw new Error('the report lost its alert');
    const alert = await renderAlert(report, hostile, { locale: 'en', rules });
    for (const html of [digest.html, team.html, alert.html]) {
      expect(html).not.toContain('<script>');
      expect(html).not.toMatch(/<img src=x/);
      expect(html).toContain('&lt;script&gt;');
    }
    // A subject is a header, not HTML: the name stays as written (MailComposer encodes it).
    expect(alert.subject).toBe('[Vigie] FCR fell by 1.8 points — Team <script>alert(1)</script>');
    // RTL reads right to left in its own element; the 5,000-character comment is cut to 600 characters.
    expect(digest.html).toMatch(new RegExp(`<div dir="auto"[^>]*>${RTL_COMMENT}</div>`));
    expect(digest.html).not.toContain(LONG_COMMENT);
    expect(digest.html).toMatch(/Très long commentaire sans fin[^<]{500,620}…/);
    expect(digest.text).toContain(HOSTILE_TEAM);
  });
});
