{{%AUTOESCAPE context="HTML"}}
<article class="edit">
<h1>{{HEADING}}</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#CONFLICT}}
<div class="conflict">
<section>
<h2>Your text</h2>
<p>Nothing you typed is lost: it is in the form at the bottom of this page. The other change touched the same lines as yours, so they could not be merged automatically; the comparison below the current revision shows how your text differs from it. Merge in what you want to keep and save again.</p>
</section>
<section>
<h2>Current revision {{CURRENT_REV}}, saved by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}} at {{CURRENT_TIME}}</h2>
{{! pre_escape: HTML-escaped like the rest, but newlines and tabs kept; the default escaping turns them into spaces and would flatten the text. The newline after each <textarea> tag is eaten by the browser, so a text that starts with a newline keeps it. }}
<textarea class="current" readonly rows="12" aria-label="Current text">
{{CURRENT_TEXT:pre_escape}}</textarea>
</section>
</div>
{{/CONFLICT}}
{{#CHANGES}}
<section class="changes">
<h2>{{HEADING}}</h2>
{{>DIFF_TABLE}}
</section>
{{/CHANGES}}
{{#PREVIEW}}
<section class="preview">
<h2>Preview (not saved yet)</h2>
<div class="content">
{{! BODY_HTML is the typed text rendered by the same Markdown renderer as page text, which drops raw HTML and unsafe URLs; escaping it again would show the markup as text. }}
{{BODY_HTML:none}}
</div>
</section>
{{/PREVIEW}}
<form method="post" action="{{ACTION_URL}}" class="edit-form">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="base_rev" value="{{BASE_REV}}">
{{#IN_SECTION}}<input type="hidden" name="section" value="{{SECTION}}">{{/IN_SECTION}}
<label for="field.text">Text (Markdown; link pages with [[Page name]] or [[Page name|label]])</label>
{{! In a new tab, so the text being edited stays where it is. }}
<p class="edit-help"><a href="/_help" target="_blank" rel="noopener">How to write headings, links, lists and tables</a></p>
<textarea id="field.text" name="text" rows="24"{{#READ_ONLY}} readonly{{/READ_ONLY}}{{#WRITABLE}} autofocus{{/WRITABLE}}>
{{TEXT:pre_escape}}</textarea>
<label for="field.summary">Summary of your change</label>
<input type="text" id="field.summary" name="summary" value="{{SUMMARY}}" maxlength="{{MAX_SUMMARY}}">
<div class="actions">
{{#WRITABLE}}<button type="submit" name="action" value="save">Save</button>
<button type="submit" name="action" value="preview">Preview</button>
<button type="submit" name="action" value="changes">Show changes</button>{{/WRITABLE}}
<a href="{{CANCEL_URL}}">{{#WRITABLE}}Cancel{{/WRITABLE}}{{#READ_ONLY}}Back to the page{{/READ_ONLY}}</a>
</div>
</form>
</article>
