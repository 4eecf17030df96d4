/**
 * The archive's index page, `reports/index.html`: every archived report, by kind, newest first, with
 * links (relative to the page) to its scorecards, its CSV and its report.json. Rebuilt from the archive's
 * key list at the end of each delivery, so it never drifts from what the archive holds.
 */
import type { Locale } from '../engine/format.js';
import type { Strings } from './locale.js';
import { fill } from './locale.js';

/** Where the index lives in the archive; the links in it are relative to this folder. */
export const ARCHIVE_INDEX_KEY = 'reports/index.html';
const ROOT = 'reports/';
const KINDS = ['day', 'week', 'month'] as const;

export interface ArchiveLinkView {
  readonly href: string;
  readonly label: string;
}

export interface ArchiveIndexView {
  readonly lang: Locale;
  readonly title: string;
  readonly intro: string;
  readonly empty: string | null;
  readonly groups: readonly {
    readonly title: string;
    readonly reports: readonly { readonly period: string; readonly links: readonly ArchiveLinkView[] }[];
  }[];
}

/** A relative link from the index to an archive key under `reports/`, each segment percent-encoded. */
const hrefOf = (key: string): string => key.slice(ROOT.length).split('/').map(encodeURIComponent).join('/');

/** Builds the index of the archived reports from the archive's keys (`archive.list('reports/')`). */
export function archiveIndexView(
  keys: readonly string[],
  args: { strings: Strings; locale: Locale },
): ArchiveIndexView {
  const { strings } = args;
  const folders = new Map<string, Set<string>>();
  for (const key of keys) {
    const match = /^reports\/(day|week|month)\/([^/]+)\/([^/]+)$/.exec(key);
    if (match === null) continue;
    const folder = `${match[1]}/${match[2]}`;
    const files = folders.get(folder) ?? new Set<string>();
    files.add(match[3] ?? '');
    folders.set(folder, files);
  }
  const groups = KINDS.map((kind) => {
    const reports = [...folders]
      // A folder without report.json is a delivery in progress or a stray file, not a report.
      .filter(([folder, files]) => folder.startsWith(`${kind}/`) && files.has('report.json'))
      // Day, ISO week and month ids all sort by time as text, so newest first is a reversed text sort.
      .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
      .map(([folder, files]) => {
        const scorecards = [...files]
          .map((f) => /^scorecard\.([a-z]{2})\.html$/.exec(f)?.[1])
          .filter((l): l is string => l !== undefined)
          .sort();
        const links: ArchiveLinkView[] = [
          ...scorecards.map((locale) => ({
            href: hrefOf(`${ROOT}${folder}/scorecard.${locale}.html`),
            label: fill(strings.archive.scorecard, { locale }),
          })),
          ...(files.has('kpis.csv') ? [{ href: hrefOf(`${ROOT}${folder}/kpis.csv`), label: 'kpis.csv' }] : []),
          { href: hrefOf(`${ROOT}${folder}/report.json`), label: strings.archive.data },
        ];
        return { period: folder.slice(kind.length + 1), links };
      });
    return { title: strings.archive.kinds[kind], reports };
  }).filter((g) => g.reports.length > 0);
  return {
    lang: args.locale,
    title: strings.archive.title,
    intro: strings.archive.intro,
    empty: groups.length === 0 ? strings.archive.empty : null,
    groups,
  };
}
