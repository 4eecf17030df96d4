import { describe, expect, it } from 'vitest';
import { archiveIndexView } from '../../functions/render/archive-index.js';
import { loadStrings } from '../../functions/render/locale.js';
import { renderArchiveIndex } from '../../functions/render/scorecard.js';

describe('archive index', () => {
  const keys = [
    'reports/day/2026-11-21/report.json',
    'reports/day/2026-11-22/report.json',
    'reports/day/2026-11-22/scorecard.fr.html',
    'reports/day/2026-11-22/sparklines/abc.png',
    'reports/day/2026-11-23/kpis.csv', // no report.json: not listed
    'reports/week/2026-W47/report.json',
    'reports/week/2026-W46/report.json',
    'reports/month/2026-10/report.json',
    'reports/day/2026-11-20"><img src=x onerror=alert(1)>/report.json',
    'facts/dt=2026-11-22/facts.json.gz',
  ];

  it('lists each kind newest first, only folders holding a report.json', async () => {
    const view = archiveIndexView(keys, { strings: await loadStrings('en'), locale: 'en' });
    expect(view.groups.map((g) => g.title)).toEqual(['Daily reports', 'Weekly digests', 'Monthly digests']);
    expect(view.groups[0]?.reports.map((r) => r.period)).toEqual([
      '2026-11-22',
      '2026-11-21',
      '2026-11-20"><img src=x onerror=alert(1)>',
    ]);
    expect(view.groups[1]?.reports.map((r) => r.period)).toEqual(['2026-W47', '2026-W46']);
    expect(view.groups[0]?.reports[0]?.links.map((l) => l.href)).toEqual([
      'day/2026-11-22/scorecard.fr.html',
      'day/2026-11-22/report.json',
    ]);
    expect(view.empty).toBeNull();
  });

  it('escapes names in the page and percent-encodes them in links', async () => {
    const html = await renderArchiveIndex(keys, 'fr');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('2026-11-20&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('href="day/2026-11-20%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/report.json"');
  });

  it('says so when the archive holds no report', async () => {
    const html = await renderArchiveIndex(['facts/dt=2026-11-22/facts.json.gz'], 'fr');
    expect(html).toContain('Aucun rapport archivé.');
  });
});
