/** Tiny HTML building blocks: every piece of text from the definitions goes through `esc`. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A safe file name for a metric page (metric names are identifiers, but never trust input). */
export function pageName(metric: string): string {
  return `${metric.replace(/[^A-Za-z0-9_-]/g, '_')}.html`;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}a{color:#0b57d0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
th{font-weight:600}code,pre{font-family:ui-monospace,monospace;font-size:.85rem}pre{background:#f5f5f5;padding:1rem;overflow:auto}
.badge{display:inline-block;padding:0 .5rem;border-radius:.7rem;font-size:.8rem;font-weight:600;background:#eee}
.badge.certified{background:#d7f5dd;color:#0c5a1c}.badge.draft{background:#fff1c2;color:#6b4e00}.badge.deprecated{background:#fcd9d9;color:#8a1111}
.muted{color:#666}
input.lang{position:absolute;opacity:0;pointer-events:none}nav.langs{float:right;font-size:.85rem}nav.langs label{cursor:pointer;color:#0b57d0}
.en{display:none}#lang-en:checked~main .en{display:revert}#lang-en:checked~main .nl{display:none}
#lang-nl:checked~nav label[for=lang-nl],#lang-en:checked~nav label[for=lang-en]{color:#1b1b1b;font-weight:600}`;

/**
 * HTML shown in Dutch by default and in English after the page's language switch: two spans, the
 * English one hidden by CSS until the switch says otherwise. Arguments are HTML (already escaped);
 * without an English version, or when it is the same, the Dutch shows in both languages.
 */
export function bi(nlHtml: string, enHtml?: string): string {
  if (enHtml === undefined || enHtml === '' || enHtml === nlHtml) return nlHtml;
  return `<span class="nl">${nlHtml}</span><span class="en" lang="en">${enHtml}</span>`;
}

/** Plain text in Dutch and English (escaped), for the catalog's own words. */
export function t(nl: string, en: string): string {
  return bi(esc(nl), esc(en));
}

/**
 * A complete page; no external assets (styles inline) and no script: the language switch is a pair
 * of radio buttons that the stylesheet reads (`#lang-en:checked ~ main .en`).
 */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<input type="radio" name="lang" id="lang-nl" class="lang" checked><input type="radio" name="lang" id="lang-en" class="lang">
<nav class="langs"><label for="lang-nl">Nederlands</label> · <label for="lang-en" lang="en">English</label></nav>
<main>
${body}
</main>
</body>
</html>
`;
}

const STATUS_NL: Readonly<Record<string, string>> = { certified: 'gecertificeerd', draft: 'concept', deprecated: 'vervallen' };

export function badge(status: string | undefined): string {
  if (!status) return `<span class="badge">${t('geen status', 'no status')}</span>`;
  return `<span class="badge ${esc(status)}">${t(STATUS_NL[status] ?? status, status)}</span>`;
}

/** A two-column table of the rows whose value is present. Keys and values are HTML (already escaped). */
export function facts(rows: readonly (readonly [string, string | undefined])[]): string {
  const present = rows.filter(([, v]) => v !== undefined && v !== '');
  if (present.length === 0) return '';
  return `<table>\n${present.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</table>`;
}

export function list(items: readonly string[]): string {
  return items.length === 0 ? `<p class="muted">${t('geen', 'none')}</p>` : `<ul>\n${items.map((i) => `<li>${i}</li>`).join('\n')}\n</ul>`;
}
