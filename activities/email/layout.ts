// Small rendering helpers shared by the templates: a plain HTML frame, escaping, money.

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A block of a message: a paragraph, or a bulleted list. */
export type Block = string | { list: string[] };

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Renders the same blocks as text and as simple HTML, so both parts always say the same. */
export function render(subject: string, blocks: Block[], footer: string): RenderedEmail {
  const all = [...blocks, footer];
  const text =
    all
      .map((b) => (typeof b === 'string' ? b : b.list.map((item) => `  - ${item}`).join('\n')))
      .join('\n\n') + '\n';
  const body = all
    .map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : `<ul>${b.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`,
    )
    .join('\n');
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body style="font-family: sans-serif; line-height: 1.5">\n${body}\n</body></html>\n`;
  return { subject, text, html };
}

/** Integer minor units to a display amount, with the currency's own number of decimals. */
export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${code} (minor units)`; // unknown currency code: still say something true
  }
}

/**
 * An ISO time as a readable date and time in the given zone (the policy's, whose calendar sets the
 * deadlines), naming the zone: "7 December 2026 at 23:59 CET". An unknown zone falls back to UTC.
 */
export function formatTime(iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  let text: string;
  try {
    text = date.toLocaleString('en-GB', { ...options, timeZone });
  } catch {
    return formatTime(iso, 'UTC');
  }
  // "GMT-5" alone leaves a reader guessing whose time it is: name the place too.
  const place = timeZone.split('/').pop()!.replace(/_/g, ' ');
  return /GMT[+-]/.test(text) && timeZone.includes('/') ? `${text} (${place} time)` : text;
}

/** Last resort for a reason code with no plain-word explanation: `WINDOW_EXPIRED` → `window expired`. */
export function humanize(code: string): string {
  return code.toLowerCase().replace(/_/g, ' ');
}
