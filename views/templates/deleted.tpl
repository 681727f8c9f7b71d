{{%AUTOESCAPE context="HTML"}}
<article class="page deleted">
<h1>{{TITLE}}</h1>
<p class="notice">This page was deleted {{TIME}} by <a href="{{BY_URL}}">{{BY}}</a>{{#REASON}}, with the reason: <q class="reason">{{TEXT}}</q>{{/REASON}}{{#NO_REASON}}, with no reason given{{/NO_REASON}}.</p>
<p><a href="{{EDIT_URL}}">Create a new page of this name</a> (its own history: the deleted one stays for undelete).</p>
{{#ADMIN}}
{{#SEVERAL}}<p>Pages of this name were deleted {{COUNT}} times. Each keeps its own history, and each can be undeleted (once no page of this name stands).</p>{{/SEVERAL}}
{{#DELETION}}<section class="deletion" aria-labelledby="deletion.{{PAGE_ID}}">
<h2 id="deletion.{{PAGE_ID}}">{{TITLE}}, deleted {{TIME}} by <a href="{{BY_URL}}">{{BY}}</a></h2>
<p>{{#REASON}}The reason: <q class="reason">{{TEXT}}</q>.{{/REASON}}{{#NO_REASON}}No reason given.{{/NO_REASON}} Its last revision: {{LAST_REV}}, {{LAST_TIME}} by {{LAST_AUTHOR}}{{#LAST_SUMMARY}} (<q>{{TEXT}}</q>){{/LAST_SUMMARY}}.</p>
<form method="post" action="{{UNDELETE_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="page_id" value="{{PAGE_ID}}">
<button type="submit">Undelete {{TITLE}}</button> with its {{REVISIONS}} revisions.
</form>
<details{{#OPEN}} open{{/OPEN}}><summary>Its last text and history</summary>
<pre class="deleted-text">{{TEXT}}</pre>
<ul class="history">
{{#REVISION}}<li>Revision {{REV}}, {{TIME}} by {{AUTHOR}}{{#SUMMARY}}: {{TEXT}}{{/SUMMARY}}</li>
{{/REVISION}}</ul>
</details>
</section>
{{/DELETION}}
{{/ADMIN}}
</article>
