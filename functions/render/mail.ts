/**
 * Builds the raw MIME of a mail (multipart/alternative: text then HTML, the HTML in a multipart/related
 * with its inline images when it has some) with nodemailer's
 * MailComposer, which encodes UTF-8 headers and bodies; MIME is never assembled by hand here.
 */
import MailComposer from 'nodemailer/lib/mail-composer';

/** A header value that would break out of its header line (CR, LF or another control character). */
export class MailHeaderError extends Error {
  override readonly name = 'MailHeaderError';
  constructor(
    /** Which input carried it: `subject`, `from`, `to[0]`, `messageId`, `listUnsubscribe`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** An address with the name a mail client shows for it ("Vigie — Centre de Lyon"). */
export interface NamedAddress {
  readonly name: string;
  readonly address: string;
}

export interface MailInput {
  /**
   * The sender: an address (optionally `"Vigie" <vigie@example.com>`), or a name and an address, which
   * nodemailer quotes and encodes (RFC 2047 for "—" and accents) so no name can break the header.
   */
  from: string | NamedAddress;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** `<id@domain>`: stable for a given send, so a retried message is recognised as the same one. */
  messageId: string;
  date: Date;
  /**
   * Bare `mailto:` and `https:` URLs (no angle brackets) for the List-Unsubscribe header. With an
   * https URL, `List-Unsubscribe-Post: List-Unsubscribe=One-Click` is added (RFC 8058 needs one).
   */
  listUnsubscribe?: readonly string[];
  /** Images the HTML shows as `cid:<cid>`, sent as inline parts of a multipart/related. */
  inlineImages?: readonly InlineImage[];
}

/** A picture embedded in the mail and referenced from the HTML as `cid:<cid>`. */
export interface InlineImage {
  /** Content-ID without angle brackets: `spark-1a2b3c@vigie`. */
  readonly cid: string;
  readonly filename: string;
  readonly content: Uint8Array;
  readonly contentType: 'image/png';
}

// Tab is the only control character a header value may carry; CR or LF would start a new header.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function checkHeader(field: string, value: string): void {
  if (CONTROL.test(value)) {
    throw new MailHeaderError(field, `${field} must be one line without control characters: ${JSON.stringify(value)}`);
  }
}

/** List-Unsubscribe (and the one-click Post header, which RFC 8058 allows only beside an https URL). */
function listHeaders(urls: readonly string[]): Record<string, string> {
  if (urls.length === 0) return {};
  const headers: Record<string, string> = { 'List-Unsubscribe': urls.map((u) => `<${u}>`).join(', ') };
  if (urls.some((u) => /^https:/i.test(u))) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  return headers;
}

/**
 * The raw message (RFC 5322) of a mail, with a text and an HTML alternative.
 *
 * @example
 * const raw = await composeMail({ from: 'vigie@example.com', to: ['lead@example.com'], subject, html, text,
 *   messageId: '<day-2026-11-23.scorecard.1a2b@vigie>', date: new Date() });
 */
export async function composeMail(input: MailInput): Promise<Uint8Array> {
  checkHeader('subject', input.subject);
  if (typeof input.from === 'string') checkHeader('from', input.from);
  else {
    checkHeader('from', input.from.name);
    checkHeader('from', input.from.address);
  }
  input.to.forEach((to, i) => {
    checkHeader(`to[${i}]`, to);
  });
  if (input.to.length === 0) throw new MailHeaderError('to', 'a mail needs at least one recipient');
  checkHeader('messageId', input.messageId);
  const unsubscribe = input.listUnsubscribe ?? [];
  unsubscribe.forEach((url, i) => {
    const field = `listUnsubscribe[${i}]`;
    checkHeader(field, url);
    if (/[<>\s,]/.test(url)) {
      throw new MailHeaderError(field, `${field} is a bare URL, without angle brackets, commas or spaces`);
    }
    if (!/^(mailto|https):/i.test(url)) throw new MailHeaderError(field, `${field} must be a mailto: or https: URL`);
  });
  for (const image of input.inlineImages ?? []) checkHeader('inlineImages.cid', image.cid);
  if (Number.isNaN(input.date.getTime())) throw new MailHeaderError('date', 'date is not a valid Date');

  const composer = new MailComposer({
    from: typeof input.from === 'string' ? input.from : { name: input.from.name, address: input.from.address },
    to: input.to,
    subject: input.subject,
    text: input.text,
    html: input.html,
    messageId: input.messageId,
    date: input.date,
    // MailComposer ignores the `list` option (only a transport expands it), so the headers are set directly.
    headers: listHeaders(unsubscribe),
    attachments: (input.inlineImages ?? []).map((image) => ({
      cid: image.cid,
      filename: image.filename,
      content: Buffer.from(image.content.buffer, image.content.byteOffset, image.content.byteLength),
      contentType: image.contentType,
      contentDisposition: 'inline' as const,
    })),
    // The bodies are strings; nothing here may be read from a file or fetched from a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}
