{{%AUTOESCAPE context="HTML"}}
<article class="restore">
<h1>Restore revision {{REV}} of <a href="{{PAGE_URL}}">{{TITLE}}</a>?</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p><a href="{{REV_URL}}">Revision {{REV}}</a> was saved {{TIME}} by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}. Restoring it saves a new revision, {{LATEST_REV}} + 1, with its text and the summary "Restored revision {{REV}}"; the history keeps every revision.</p>
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="rev" value="{{REV}}">
<input type="hidden" name="base_rev" value="{{LATEST_REV}}">
<div class="actions"><button type="submit">Restore revision {{REV}}</button> <a href="{{PAGE_URL}}">Cancel</a></div>
</form>
<section class="changes">
<h2>What restoring changes in the current revision {{LATEST_REV}}</h2>
{{>DIFF_TABLE}}
</section>
</article>
