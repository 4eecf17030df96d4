/**
 * The Handlebars templates that lay a scorecard view out: MJML for the HTML part, plain text for the
 * text part, both from the same view. In the MJML, Handlebars escapes every `{{value}}` for HTML, so
 * user-supplied names and comments cannot become markup; the templates never use triple braces (a test
 * checks). Templates are compiled in strict mode: a field the view lacks is an error, not a blank.
 */
import { readdir, readFile } from 'node:fs/promises';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from './locale.js';
import type { ScorecardView } from './view.js';

const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  // Only the built-in helpers (if, each, with…): no logic hides in the templates.
  knownHelpersOnly: true,
  // A partial's indentation must not be pasted into multi-line user text.
  preventIndent: true,
};

/** A compiled template: a view in, MJML or text out. */
export type Template<View> = (view: View) => string;

export interface ScorecardTemplates {
  readonly mjml: Template<ScorecardView>;
  readonly text: Template<ScorecardView>;
}

const read = (url: URL): Promise<string> => readFile(url, 'utf8');

async function compileScorecard(): Promise<ScorecardTemplates> {
  // An isolated environment: partials registered here cannot clash with another Handlebars user.
  const hbs = Handlebars.create();
  const partialsDir = new URL('partials/', TEMPLATES_DIR);
  for (const file of await readdir(partialsDir)) {
    if (!file.endsWith('.mjml.hbs')) continue;
    const source = await read(new URL(file, partialsDir));
    hbs.registerPartial(file.slice(0, -'.mjml.hbs'.length), hbs.compile(source, COMPILE_OPTIONS));
  }
  const mjml = hbs.compile<ScorecardView>(await read(new URL('scorecard.mjml.hbs', TEMPLATES_DIR)), COMPILE_OPTIONS);
  // text/plain is not HTML: escaping would show "&lt;" to the reader.
  const text = Handlebars.create().compile<ScorecardView>(await read(new URL('scorecard.txt.hbs', TEMPLATES_DIR)), {
    ...COMPILE_OPTIONS,
    noEscape: true,
  });
  return { mjml: (view) => mjml(view), text: (view) => text(view) };
}

let scorecard: Promise<ScorecardTemplates> | undefined;

/** The scorecard templates, compiled once per process. */
export function scorecardTemplates(): Promise<ScorecardTemplates> {
  if (scorecard === undefined) {
    scorecard = compileScorecard();
    // A failed compile is not cached: the next render retries and reports the error again.
    scorecard.catch(() => {
      scorecard = undefined;
    });
  }
  return scorecard;
}
