/*
 * report_page.c - what every chainrisk HTML page shares (report.c,
 * report_incident.c): the style sheet, the table-sorting script and the
 * head with its Content-Security-Policy, which admits only these two by
 * their SHA-256.  One style, so an incident page reads like the report.
 */
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "report_page.h"
#include "util/sha256.h"

const char crisk__page_style[] =
    ":root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa;--accent:#0b5cad;--red:#c62828;}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;font:14px/1.5 -apple-system,\"Segoe UI\",\"Helvetica Neue\",Helvetica,Arial,sans-serif;"
    "color:var(--ink);background:#fff}"
    ".wrap{max-width:1240px;margin:0 auto;padding:0 28px}"
    "header.top{background:#0f2537;color:#fff;padding:26px 0 20px}"
    "header.top h1{font-size:26px;line-height:1.2;margin:0 0 6px;font-weight:600;letter-spacing:-.01em}"
    "header.top .sub{color:#b8c7d6;font-size:13px;margin:0}"
    "header.top .sub code{color:#dfe8f1}"
    "nav.toc{background:var(--soft);border-bottom:1px solid var(--line);position:sticky;top:0;z-index:1}"
    "nav.toc .wrap{display:flex;flex-wrap:wrap;gap:2px 18px;padding-top:8px;padding-bottom:8px}"
    "nav.toc a{color:var(--accent);text-decoration:none;font-size:13px;font-weight:500}"
    "nav.toc a:hover{text-decoration:underline}"
    "section{padding:26px 0 18px;border-bottom:1px solid var(--line)}"
    "h2{font-size:20px;margin:0 0 4px;font-weight:600}"
    "h3{font-size:15px;margin:20px 0 6px;font-weight:600}"
    "p.lead{color:var(--muted);margin:0 0 14px;max-width:88ch}"
    "p.note{color:var(--muted);font-size:12.5px;margin:8px 0 0}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px}"
    ".card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fff}"
    ".card .k{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em;font-weight:600}"
    ".card .v{font-size:24px;font-weight:600;line-height:1.3;font-variant-numeric:tabular-nums}"
    ".card .d{font-size:12.5px;color:var(--muted)}"
    ".card.alert{border-color:#f3c2c2;background:#fff8f8}.card.alert .v{color:var(--red)}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0 6px}"
    "th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}"
    "thead th{background:var(--soft);font-weight:600;font-size:12px;color:#31373d;vertical-align:bottom}"
    "th.grp{text-align:center;border-bottom:1px solid #c4ccd4}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.n{white-space:nowrap}"
    "tbody tr:nth-child(even){background:#fafbfc}"
    "tbody tr:hover{background:#f1f6fc}"
    "code{font:11.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\",monospace;"
    "color:var(--muted);overflow-wrap:anywhere}"
    ".nm{font-weight:500;overflow-wrap:anywhere}"
    "td.node{min-width:14em}"
    "td.node code{display:block}"
    "svg.bar{width:56px;height:8px;margin-right:6px;vertical-align:middle;border-radius:2px}"
    ".tag{display:inline-block;padding:0 7px;border-radius:10px;font-size:11px;font-weight:600;line-height:18px;"
    "white-space:nowrap}"
    ".tag.spof{background:#fdecec;color:var(--red);border:1px solid #f3c2c2}"
    ".tag.breach{background:#fff4e0;color:#8a4b00;border:1px solid #f1d29b}"
    ".tag.ok{background:#eaf6ee;color:#1a6b37;border:1px solid #bfe3cb}"
    ".hhi{display:inline-block;min-width:52px;padding:0 6px;border-radius:4px;font-weight:600}"
    ".hhi.low{background:#eaf6ee;color:#1a6b37}.hhi.moderate{background:#fff4e0;color:#8a4b00}"
    ".hhi.high{background:#fdecec;color:var(--red)}"
    "ul.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 6px}"
    "ul.chips li{border:1px solid var(--line);border-radius:6px;padding:1px 7px;background:#fff;font-size:12px}"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:0 28px}"
    ".map{border:1px solid var(--line);border-radius:8px;padding:10px;overflow:auto;background:#fff}"
    ".map svg{display:block;margin:0 auto}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0;font-size:13px}"
    "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}"
    "ul.diag{margin:0;padding-left:18px;font-size:12.5px}"
    "ul.diag li{margin:2px 0}"
    "thead th[data-sortable]{cursor:pointer}"
    "thead th[aria-sort=ascending]::after{content:\" \\25B2\";font-size:9px}"
    "thead th[aria-sort=descending]::after{content:\" \\25BC\";font-size:9px}"
    "table.heat td.cell{text-align:center;white-space:nowrap;font-variant-numeric:tabular-nums;padding:4px 5px}"
    "table.heat td.u,ul.legend .u{color:#b0b7be}"
    "table.heat td.w,ul.legend .w{background:#fff4e0;color:#8a4b00}"
    "table.heat td.b,ul.legend .b{background:#f9d4d4;color:var(--red);font-weight:600}"
    "table.heat td.k,ul.legend .k{background:#eceff2;color:var(--muted)}"
    "table.heat th.fn{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;"
    "max-height:13em;overflow:hidden;text-overflow:ellipsis;padding:6px 3px;font-weight:500}"
    "ul.legend{list-style:none;margin:6px 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}"
    "ul.legend span{display:inline-block;min-width:2.2em;text-align:center;border-radius:3px;margin-right:4px}"
    "footer{color:var(--muted);font-size:12px;padding:18px 0 40px}"
    "span.x{color:var(--muted);font-size:11px}"
    "figure.lec{margin:8px 0 12px}figure.lec svg{max-width:100%;height:auto;display:block}"
    "figure.lec figcaption{color:var(--muted);font-size:12.5px}"
    "@media print{"
    "@page{size:A4 landscape;margin:11mm 10mm}"
    "body{font-size:9.5pt}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".wrap{max-width:none;padding:0}"
    "nav.toc{display:none}"
    "header.top{background:none;color:var(--ink);padding:0 0 8px;border-bottom:2px solid var(--ink)}"
    "header.top .sub,header.top .sub code{color:var(--muted)}"
    "section{padding:12px 0 6px;border-bottom:none}"
    "h2,h3{break-after:avoid}"
    "tr,.card,.map{break-inside:avoid}"
    "table{font-size:8pt}th,td{padding:3px 5px}"
    "tbody tr:hover{background:none}"
    ".scroll,.map{overflow:visible}"
    ".map svg{width:100%;height:auto}"
    "thead th[aria-sort]::after{content:none}"
    "}";

/* Sorts a table by a clicked column: data-v when a cell has one, else the
 * text.  Nothing else on the page needs a script. */
const char crisk__page_script[] =
    "(function(){"
    "function k(c){var v=c.getAttribute('data-v');return v===null?c.textContent.toLowerCase():parseFloat(v);}"
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "var hs=t.tHead.rows[t.tHead.rows.length-1].cells;"
    "Array.prototype.forEach.call(hs,function(h,i){"
    "h.setAttribute('data-sortable','');h.tabIndex=0;"
    "function go(){var up=h.getAttribute('aria-sort')!=='ascending';"
    "Array.prototype.forEach.call(hs,function(x){x.removeAttribute('aria-sort');});"
    "h.setAttribute('aria-sort',up?'ascending':'descending');"
    "var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows);"
    "rs.sort(function(x,y){var p=k(x.cells[i]),q=k(y.cells[i]);return (p<q?-1:p>q?1:0)*(up?1:-1);});"
    "rs.forEach(function(x){b.appendChild(x);});}"
    "h.addEventListener('click',go);"
    "h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});"
    "});});})();";

/* 'sha256-BASE64' of a text, for the Content-Security-Policy; 'none' (the
 * page then loses its style or script, never its safety) if libcrypto could
 * not compute it. */
static void csp_hash(FILE *f, const char *s)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char hex[65];
    unsigned char raw[33] = { 0 };
    if (crisk__sha256_hex(hex, s, strlen(s)) != 0) {
        fputs("'none'", f);
        return;
    }
    for (int i = 0; i < 32; i++) {
        unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
        unsigned lo = (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10);
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    fputs("'sha256-", f);
    for (int i = 0; i < 33; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
        putc(b64[v >> 18 & 63], f);
        putc(b64[v >> 12 & 63], f);
        putc(b64[v >> 6 & 63], f);
        putc(i + 2 < 32 ? b64[v & 63] : '=', f);   /* 32 bytes: one pad */
    }
    putc('\'', f);
}

void crisk__page_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src ", f);
    csp_hash(f, crisk__page_style);
    fputs("; script-src ", f);
    csp_hash(f, crisk__page_script);
    fprintf(f, "; base-uri 'none'; form-action 'none'\">\n"
               "<meta name=\"generator\" content=\"chainrisk %s\">\n"
               "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n",
            crisk_version(), title, crisk__page_style);
}

