{{%AUTOESCAPE context="HTML"}}
<article class="page deleted">
<h1>{{TITLE}}</h1>
<p class="notice">This page was deleted {{TIME}} by <a href="{{BY_URL}}">{{BY}}</a>{{#REASON}}, with the reason: <q class="reason">{{TEXT}}</q>{{/REASON}}{{#NO_REASON}}, with no reason given{{/NO_REASON}}.</p>
<p><a href="{{EDIT_URL}}">Create a new page of this name</a> (its own history: the deleted one stays for undelete).</p>
{{#ADMIN}}
<form method="post" action="{{UNDELETE_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Undelete {{TITLE}}</button> with its {{REVISIONS}} revisions.
</form>
<h2>Its last text</h2>
<pre class="deleted-text">{{TEXT}}</pre>
<h2>Its history</h2>
<ul class="history">
{{#REVISION}}<li>Revision {{REV}}, {{TIME}} by {{AUTHOR}}{{#SUMMARY}}: {{TEXT}}{{/SUMMARY}}</li>
{{/REVISION}}</ul>
{{/ADMIN}}
</article>
