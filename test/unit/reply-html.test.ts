// HTML-only replies: the quote (blockquote, Outlook's rule and header block) must stay a quote
// after conversion, so the command is read from the moderator's words only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCommand } from '../../src/mail/reply/command.js';
import { decodeEntities, htmlToText } from '../../src/mail/reply/html-text.js';

describe('HTML replies', () => {
  test('Gmail (French): gmail_quote with a blockquote that says "drop"', () => {
    const html = `<div dir="ltr">approuver</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Le sam. 22 nov. 2026 à 10:15, Epistle &lt;<a href="mailto:epistle@example.test">epistle@example.test</a>&gt; a écrit&nbsp;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><p>Nouveau commentaire de Mallory :</p><p>drop</p></blockquote></div>`;
    const text = htmlToText(html);
    assert.match(text, /^approuver\n/);
    assert.match(text, /^> drop$/m);
    assert.deepEqual(readCommand(text), { kind: 'approve' });
  });

  test('Outlook on the web: rule, From/Sent block, original unquoted below', () => {
    const html = `<html><head><style>p{margin-top:0;margin-bottom:0}</style><title>x</title></head><body dir="ltr"><div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">Spam</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> Epistle &lt;epistle@example.test&gt;<br><b>Sent:</b> Saturday, November 22, 2026 10:15 AM<br><b>To:</b> owner@example.test<br><b>Subject:</b> [Demo] New comment</font><div>&nbsp;</div></div><div><p>approve</p></div></body></html>`;
    const text = htmlToText(html);
    assert.doesNotMatch(text, /margin/, 'style content is dropped');
    assert.deepEqual(readCommand(text), { kind: 'spam' });
  });

  test('Outlook desktop (Word HTML): MsoNormal paragraphs and a bordered header block', () => {
    const html = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8"><style><!-- p.MsoNormal {margin:0cm;} --></style></head><body lang="FR"><div class="WordSection1"><p class="MsoNormal">Rejeter<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>De&nbsp;:</b> Epistle &lt;epistle@example.test&gt;<br><b>Envoy&eacute;&nbsp;:</b> samedi 22 novembre 2026 10:15<br><b>&Agrave;&nbsp;:</b> owner@example.test<br><b>Objet&nbsp;:</b> Nouveau commentaire<o:p></o:p></p></div><p class="MsoNormal">approuver<o:p></o:p></p></div></body></html>`;
    assert.deepEqual(readCommand(htmlToText(html)), { kind: 'drop' });
  });

  test('Apple Mail: reply text in divs, blockquote type=cite below', () => {
    const html = `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto"><div dir="ltr">reply Merci&nbsp;!</div><div dir="ltr"><br></div><div dir="ltr">Second line</div><div dir="ltr"><br><blockquote type="cite">On 22 Nov 2026, at 10:15, Epistle &lt;epistle@example.test&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">drop</div></blockquote></body></html>`;
    assert.deepEqual(readCommand(htmlToText(html)), { kind: 'reply', text: 'Merci !\n\nSecond line' });
  });

  test('Thunderbird: moz-cite-prefix and blockquote, bottom-posted', () => {
    const html = `<html><body><div class="moz-cite-prefix">On 22/11/2026 10:15, Epistle wrote:<br></div><blockquote type="cite" cite="mid:x@example.test"><p>New comment by Mallory:</p><p>spam</p></blockquote><p>approve</p><pre class="moz-signature" cols="72">-- 
Owner</pre></body></html>`;
    assert.deepEqual(readCommand(htmlToText(html)), { kind: 'approve' });
  });

  test('nested blockquotes keep their depth', () => {
    assert.equal(htmlToText('<p>ok</p><blockquote>a<blockquote>b</blockquote>c</blockquote>'), 'ok\n\n> a\n> > b\n> c');
  });

  test('the Stacosys bug: an HTML-only "Yes, publish it" is not a command (and not a drop)', () => {
    assert.deepEqual(readCommand(htmlToText('<div dir="ltr">Yes, publish it</div>')), { kind: 'unknown', received: 'Yes, publish it' });
  });

  test('entities and tags never leak into the text', () => {
    assert.equal(decodeEntities('&lt;b&gt; &amp;amp; &#233;&#x20AC; &eacute; &bogus;'), '<b> &amp; é€ é &bogus;');
    assert.equal(htmlToText('<div>reply <b>bold</b> &amp; <script>alert(1)</script>done</div>'), 'reply bold & done');
  });
});
