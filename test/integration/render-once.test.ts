/**
 * Render once per distinct view: recipients shown the same scorecard (same report, language and the
 * scopes the view depends on) share one render, counted through the renderers `deliverReport` is
 * given; each still gets a message of their own (MailComposer's MIME, own To and Message-ID), sent once.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import type { RecipientScope } from '../../functions/engine/config.js';
import type { Locale } from '../../functions/engine/format.js';
import { type Delivered, deliverReport, type Renderers } from '../../functions/pipeline/deliver.js';
import { viewedScopes } from '../../functions/render/scorecard-view.js';
import { bareReport, reportAlert } from '../fixtures/reports.js';

interface Recipient {
  readonly email: string;
  readonly locale: Locale;
  readonly scopes?: RecipientScope[];
  readonly alerts?: boolean;
}

interface Call {
  readonly what: 'page' | 'mail' | 'alert';
  readonly locale: Locale;
  readonly scopes: readonly RecipientScope[] | undefined;
}

/** Renderers that record each call and return a small body naming what was rendered. */
function countingRenderers(calls: Call[]): Renderers {
  return {
    scorecard: async (_report, options) => {
      // The archived page links the definitions; a mail does not.
      const what = options.linkDefinitions ? 'page' : 'mail';
      calls.push({ what, locale: options.locale, scopes: options.scopes });
      const body = `${what} ${options.locale} ${JSON.stringify(options.scopes ?? null)}`;
      return { subject: `Scorecard ${options.locale}`, html: `<p>${body}</p>`, text: `${body}\n` };
    },
    alert: async (_report, alert, options) => {
      calls.push({ what: 'alert', locale: options.locale, scopes: undefined });
      return { subject: `Alert ${alert.rule}`, html: '<p>alert</p>', text: 'alert\n', kind: 'fired' };
    },
  };
}

async function deliverTo(
  recipients: readonly Recipient[],
): Promise<{ calls: Call[]; delivered: Delivered; out: string }> {
  const out = await mkdtemp(join(tmpdir(), 'vigie-render-once-'));
  const config = configFrom({ mail: { from: 'vigie@example.com', recipients } });
  const report = bareReport({ kind: 'day', start: '2026-11-23' }, {}, { alerts: [reportAlert()] });
  const calls: Call[] = [];
  const delivered = await deliverReport(
    { archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')) },
    {
      report,
      folder: 'reports/day/2026-11-23',
      config,
      now: new Date('2026-11-24T05:00:00Z'),
      renderers: countingRenderers(calls),
    },
  );
  return { calls, delivered, out };
}

const mailsOf = (calls: readonly Call[]) => calls.filter((c) => c.what === 'mail');

describe('render once per distinct view', () => {
  it('renders one scorecard for recipients of the same language and scopes, and sends each their own mail', async () => {
    const { calls, delivered, out } = await deliverTo([
      { email: 'a@example.com', locale: 'fr', alerts: true },
      { email: 'b@example.com', locale: 'fr', alerts: true },
      // The centre's scorecard shows every team: naming one beside it changes nothing.
      { email: 'c@example.com', locale: 'fr', scopes: ['centre', { team: 'Sud' }], alerts: true },
    ]);
    expect(mailsOf(calls)).toEqual([{ what: 'mail', locale: 'fr', scopes: ['centre'] }]);
    // One alert, three recipients of one language: one render.
    expect(calls.filter((c) => c.what === 'alert')).toHaveLength(1);
    expect(delivered.unsent).toEqual([]);
    // 3 scorecards and 3 alert mails, each sent once and recorded under its own key.
    expect(delivered.mails).toHaveLength(6);
    expect(await readdir(join(out, 'sends'))).toHaveLength(6);
    const files = (await readdir(join(out, 'outbox'))).filter((f) => f.includes('-scorecard-'));
    expect(files).toHaveLength(3);
    const parsed = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(out, 'outbox', f)))));
    const toOf = (m: (typeof parsed)[number]) => (m.to && !Array.isArray(m.to) ? m.to.value[0]?.address : undefined);
    expect(parsed.map(toOf).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(new Set(parsed.map((m) => m.messageId)).size).toBe(3);
    expect(new Set(parsed.map((m) => m.html))).toEqual(new Set(['<p>mail fr ["centre"]</p>']));
  });

  it('renders once per language and per distinct set of scopes', async () => {
    const { calls } = await deliverTo([
      { email: 'a@example.com', locale: 'fr' },
      { email: 'b@example.com', locale: 'en' },
      { email: 'c@example.com', locale: 'en' },
      { email: 'sud@example.com', locale: 'fr', scopes: [{ team: 'Sud' }] },
      { email: 'sud2@example.com', locale: 'fr', scopes: [{ team: 'Sud' }, { team: 'Sud' }] },
      { email: 'sud-nord@example.com', locale: 'fr', scopes: [{ team: 'Sud' }, { team: 'Nord' }] },
    ]);
    expect(mailsOf(calls)).toEqual([
      { what: 'mail', locale: 'fr', scopes: ['centre'] },
      { what: 'mail', locale: 'en', scopes: ['centre'] },
      { what: 'mail', locale: 'fr', scopes: [{ team: 'Sud' }] },
      { what: 'mail', locale: 'fr', scopes: [{ team: 'Sud' }, { team: 'Nord' }] },
    ]);
    // The archived page: once per language, whoever reads it.
    expect(calls.filter((c) => c.what === 'page').map((c) => c.locale)).toEqual(['fr', 'en']);
  });
});

describe('viewedScopes', () => {
  it('keeps the queues beside the centre, drops its teams, and lists each scope once in order', () => {
    expect(viewedScopes(['centre'])).toEqual(['centre']);
    expect(viewedScopes([{ team: 'Sud' }, 'centre', { queue: 'Pro' }, { queue: 'Pro' }])).toEqual([
      'centre',
      { queue: 'Pro' },
    ]);
    expect(viewedScopes([{ team: 'Nord' }, { queue: 'Pro' }, { team: 'Nord' }])).toEqual([
      { team: 'Nord' },
      { queue: 'Pro' },
    ]);
  });
});
