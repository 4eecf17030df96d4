/**
 * The Handlebars templates that lay views out: MJML for the HTML part and plain text for the text part
 * of the scorecard and of the alert mail, sharing the partials under `templates/partials/`
 * (`*.mjml.hbs` for MJML, `*.txt.hbs` for text). In the MJML, Handlebars escapes every `{{value}}` for
 * HTML, so user-supplied names and comments cannot become markup; the templates never use triple braces
 * (a test checks). Templates are compiled in strict mode: a field the view lacks is an error, not a blank.
 */
import { readdir, readFile } from 'node:fs/promises';
import Handlebars from 'handlebars';
import type { AlertView } from './alert-view.js';
import type { ArchiveIndexView } from './archive-index.js';
import type { GlossaryView } from './glossary.js';
import { TEMPLATES_DIR } from './locale.js';
import type { ScorecardView } from './scorecard-view.js';

const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  // Only the built-in helpers (if, each, with…): no logic hides in the templates.
  knownHelpersOnly: true,
  // A partial's indentation must not be pasted into multi-line user text.
  preventIndent: true,
};

/** A compiled template: a view in, MJML or text out. */
export type Template<View> = (view: View) => string;

/** The MJML and the text template of one kind of mail. */
export interface MailTemplates<View> {
  readonly mjml: Template<View>;
  readonly text: Template<View>;
}

export interface AllTemplates {
  readonly scorecard: MailTemplates<ScorecardView>;
  readonly alert: MailTemplates<AlertView>;
  /** The archive's index page: plain HTML (a web page, not a mail), escaped like the MJML. */
  readonly archiveIndex: Template<ArchiveIndexView>;
  /** The KPI definitions page beside the archive, plain HTML like the index. */
  readonly glossary: Template<GlossaryView>;
}

const read = (url: URL): Promise<string> => readFile(url, 'utf8');

/** An isolated Handlebars with the partials of one suffix: partials cannot clash with another user. */
async function environment(suffix: '.mjml.hbs' | '.txt.hbs', noEscape: boolean): Promise<typeof Handlebars> {
  const hbs = Handlebars.create();
  const partialsDir = new URL('partials/', TEMPLATES_DIR);
  for (const file of await readdir(partialsDir)) {
    if (!file.endsWith(suffix)) continue;
    const source = await read(new URL(file, partialsDir));
    hbs.registerPartial(file.slice(0, -suffix.length), hbs.compile(source, { ...COMPILE_OPTIONS, noEscape }));
  }
  return hbs;
}

async function compileAll(): Promise<AllTemplates> {
  const html = await environment('.mjml.hbs', false);
  // text/plain is not HTML: escaping would show "&lt;" to the reader.
  const text = await environment('.txt.hbs', true);
  const compile = async <View>(env: typeof Handlebars, file: string, noEscape: boolean): Promise<Template<View>> => {
    const template = env.compile<View>(await read(new URL(file, TEMPLATES_DIR)), { ...COMPILE_OPTIONS, noEscape });
    return (view) => template(view);
  };
  return {
    scorecard: {
      mjml: await compile<ScorecardView>(html, 'scorecard.mjml.hbs', false),
      text: await compile<ScorecardView>(text, 'scorecard.txt.hbs', true),
    },
    alert: {
      mjml: await compile<AlertView>(html, 'alert.mjml.hbs', false),
      text: await compile<AlertView>(text, 'alert.txt.hbs', true),
    },
    archiveIndex: await compile<ArchiveIndexView>(Handlebars.create(), 'index.html.hbs', false),
    glossary: await compile<GlossaryView>(Handlebars.create(), 'glossary.html.hbs', false),
  };
}

let templates: Promise<AllTemplates> | undefined;

/** Every template, compiled once per process. */
export function allTemplates(): Promise<AllTemplates> {
  if (templates === undefined) {
    templates = compileAll();
    // A failed compile is not cached: the next render retries and reports the error again.
    templates.catch(() => {
      templates = undefined;
    });
  }
  return templates;
}
