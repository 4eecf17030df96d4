/**
 * Names as a mail shows them: user-supplied text clipped and kept on one line, scopes named in the
 * reader's language ("Équipe Sud", "Canal Téléphone"), channels by their word.
 */
import type { RecipientScope } from '../engine/config.js';
import type { Report } from '../engine/report-schema.js';
import { fill, type Strings } from './locale.js';

/** Longest comment shown, in user-perceived characters; the archive keeps the whole text. */
export const MAX_COMMENT = 600;
/** Longest name shown (centre, team, reason, keyword…); longer ones end with "…". */
export const MAX_NAME = 80;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts a text to `max` user-perceived characters (never inside an emoji or a combining sequence). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  let n = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (n === max - 1) return `${out.trimEnd()}…`;
    out += segment;
    n++;
  }
  return out;
}

/** One line for a subject or a preview: no line breaks or control characters from names. */
export const oneLine = (text: string): string =>
  text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** A channel's name in the locale, else the raw key (own keys only: "constructor" is not a channel name). */
export function channelLabel(strings: Strings, key: string): string {
  return Object.hasOwn(strings.channels, key) ? (strings.channels[key] ?? key) : clip(key, MAX_NAME);
}

/** A team's or a queue's name as a title: "Équipe Sud", "File Particuliers". */
export function scopeName(scope: Exclude<RecipientScope, 'centre'>, strings: Strings): string {
  return 'team' in scope
    ? fill(strings.teams.team, { team: clip(scope.team, MAX_NAME) })
    : fill(strings.queues.queue, { queue: clip(scope.queue, MAX_NAME) });
}

/** Any report scope by name: "Équipe Sud", "File Particuliers", "Canal Téléphone", "Agent Léa", or the centre's name. */
export function reportScopeName(scope: Report['scopes'][number]['scope'], centre: string, strings: Strings): string {
  switch (scope.dimension) {
    case 'all':
      return clip(centre, MAX_NAME);
    case 'team':
      return scopeName({ team: scope.value }, strings);
    case 'queue':
      return scopeName({ queue: scope.value }, strings);
    case 'channel':
      return fill(strings.alert.scopes.channel, { name: channelLabel(strings, scope.value) });
    case 'agent':
      return fill(strings.alert.scopes.agent, { name: clip(scope.value, MAX_NAME) });
  }
}
